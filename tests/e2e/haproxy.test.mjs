// Issue 13, deliverable 7: three mcpgw nodes on one PostgreSQL database behind haproxy (Debian's,
// with docker/haproxy.cfg: round robin per request, no stickiness), and the official SDK clients
// through it: the 1.32 client (2025-11-25, a session whose requests land on every node in turn:
// progress, sampling and elicitation answered through other nodes than the one that asked, a
// resource subscription whose update reaches the GET stream wherever it is held) and the v2
// client (2026-07-28, stateless).
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import {
  CreateMessageRequestSchema, ElicitRequestSchema, ResourceUpdatedNotificationSchema,
} from '@modelcontextprotocol/sdk/types.js';
import { Client as ModernClient, StreamableHTTPClientTransport as ModernTransport } from '@modelcontextprotocol/client';
import { Cluster } from './lib/cluster.mjs';
import { Haproxy } from './lib/haproxy.mjs';
import { startFidelityUpstream } from './lib/fidelity_upstream.mjs';
import { until } from './lib/wait.mjs';

describe('three nodes behind haproxy, round robin, no stickiness', () => {
  const c = new Cluster(3, { transport: { event_store: 'database' }, federation: { discovery_timeout: '5s', request_timeout: '30s' } });
  const lb = new Haproxy();
  let up, user;
  const clients = [];

  before(async () => {
    up = await startFidelityUpstream({ name: 'fa' });
    await c.start();
    await lb.start(c.nodes);
    const admin = c.nodes[0].token('--sub', 'root', '--scope', 'admin');
    user = c.nodes[0].token('--sub', 'alice', '--scope', 'mcp');
    const r = await Cluster.addGateway(lb.base, admin, 'fa', up.url);
    assert.equal(r.status, 201, JSON.stringify(r.body));
  });
  after(async () => {
    for (const cl of clients) await cl.close().catch(() => {});
    try {
      await lb.stop();
      await c.cleanup();
    } finally {
      await up?.stop();
    }
  });

  test('the 1.32 client: one session served by all three nodes, nothing lost between them', async () => {
    const asked = { sampling: 0, elicitation: 0 };
    const client = new Client({ name: 'lb-e2e', version: '1' }, { capabilities: { sampling: {}, elicitation: {} } });
    client.setRequestHandler(CreateMessageRequestSchema, async () => {
      asked.sampling++;
      return { role: 'assistant', content: { type: 'text', text: 'from the client' }, model: 'm1' };
    });
    client.setRequestHandler(ElicitRequestSchema, async () => {
      asked.elicitation++;
      return { action: 'accept', content: { color: 'red', count: 2, sure: true } };
    });
    const updates = [];
    client.setNotificationHandler(ResourceUpdatedNotificationSchema, (n) => updates.push(n.params.uri));
    await client.connect(new StreamableHTTPClientTransport(new URL(`${lb.base}/mcp`), { requestInit: { headers: { authorization: `Bearer ${user}` } } }));
    clients.push(client);
    // Every node lists the gateway's tools (each reloaded its catalog on the change).
    await until(async () => (await client.listTools()).tools.some((t) => t.name === 'fa__sample'), 'fa tools through haproxy');
    for (let i = 0; i < 3; i++) {
      const progress = [];
      const r = await client.callTool({ name: 'fa__work', arguments: { tag: `w${i}`, steps: 3, delayMs: 20 } }, undefined, { onprogress: (p) => progress.push(p.progress) });
      assert.deepEqual(r.content, [{ type: 'text', text: `done w${i}` }]);
      assert.deepEqual(progress, [1, 2, 3]);
    }
    // The answer to the upstream's request travels from the client to the next node in turn.
    for (let i = 0; i < 3; i++) {
      const s = await client.callTool({ name: 'fa__sample', arguments: { prompt: `p${i}` } });
      assert.deepEqual(s.content, [{ type: 'text', text: 'sampled: from the client (m1)' }]);
      const e = await client.callTool({ name: 'fa__elicit', arguments: {} });
      assert.deepEqual(JSON.parse(e.content[0].text), { action: 'accept', content: { color: 'red', count: 2, sure: true } });
    }
    assert.deepEqual(asked, { sampling: 3, elicitation: 3 });
    // A subscription made through one node; the change through others; the update reaches the
    // client's GET stream on whichever node holds it.
    assert.deepEqual(await client.subscribeResource({ uri: 'fa+fid://counter' }), {});
    const subscribedBy = up.state.subscribeCalls.at(-1).session;
    await until(() => up.state.getStreams.includes(subscribedBy), 'the subscribing node to follow the upstream');
    for (let i = 0; i < 3; i++) await client.callTool({ name: 'fa__bump', arguments: {} });
    await until(() => updates.length >= 3, () => `3 updates, got ${JSON.stringify(updates)}`, { timeoutMs: 10000 });
    assert.ok(updates.every((u) => u === 'fa+fid://counter'));
    // The session was served by every node: the two that did not create it restored it.
    const restored = c.nodes.filter((d) => /restored from the database/.test(d.log));
    assert.equal(restored.length, 2, c.nodes.map((d) => d.log.split('\n').filter((l) => /restored/.test(l)).join('\n')).join('\n--\n'));
  });

  test('the v2 client (2026-07-28, stateless) through haproxy', async () => {
    const client = new ModernClient({ name: 'lb-v2', version: '1' }, { versionNegotiation: { mode: { pin: '2026-07-28' } } });
    await client.connect(new ModernTransport(new URL(`${lb.base}/mcp`), { requestInit: { headers: { authorization: `Bearer ${user}` } } }));
    clients.push(client);
    const tools = (await client.listTools()).tools.map((t) => t.name);
    assert.ok(tools.includes('fa__work'));
    for (let i = 0; i < 6; i++) {
      const r = await client.callTool({ name: 'fa__work', arguments: { tag: `m${i}`, steps: 1 } });
      assert.deepEqual(r.content, [{ type: 'text', text: `done m${i}` }]);
    }
  });
});
