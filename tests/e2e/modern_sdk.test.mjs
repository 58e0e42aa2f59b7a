// Issue 11: the official TypeScript SDK v2 client (npm @modelcontextprotocol/client 2.4.0, which
// speaks 2026-07-28) through mcpgw: pinned to 2026-07-28 and in auto mode, listing, calling,
// reading and getting prompts on /mcp and on a virtual server, in front of legacy upstreams
// (server-everything and the fidelity upstream). The 1.32 client keeps passing the other suites.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { Daemon } from './lib/daemon.mjs';
import { startEverything } from './lib/everything.mjs';
import { startFidelityUpstream } from './lib/fidelity_upstream.mjs';

const MODERN = '2026-07-28';

describe('the v2 SDK client, modern era, through mcpgw', () => {
  const d = new Daemon({ federation: { discovery_timeout: '5s' } });
  let everything, fidelity, admin, user, serverId;
  const clients = [];

  const api = async (method, path, b) => {
    const res = await fetch(`${d.base}${path}`, {
      method, headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
      body: b ? JSON.stringify(b) : undefined,
    });
    return { status: res.status, body: await res.json().catch(() => null) };
  };
  const connect = async (path, mode, capabilities) => {
    const transport = new StreamableHTTPClientTransport(new URL(`${d.base}${path}`),
      { requestInit: { headers: { authorization: `Bearer ${user}` } } });
    const client = new Client({ name: 'v2-e2e', version: '1' },
      { versionNegotiation: { mode }, ...(capabilities ? { capabilities } : {}) });
    await client.connect(transport);
    clients.push(client);
    return client;
  };

  before(async () => {
    everything = await startEverything();
    fidelity = await startFidelityUpstream();
    await d.start();
    admin = d.token('--sub', 'root', '--scope', 'admin');
    user = d.token('--sub', 'alice', '--scope', 'mcp');
    for (const [name, u] of [['Everything', everything.url], ['Fid', fidelity.url]]) {
      const r = await api('POST', '/v1/gateways', { name, url: u });
      assert.equal(r.status, 201, JSON.stringify(r.body));
    }
    const tools = (await api('GET', '/v1/tools?limit=500')).body.items;
    const pick = tools.filter((t) => ['everything__echo', 'fid__all_content'].includes(t.name)).map((t) => t.id);
    assert.equal(pick.length, 2);
    const s = await api('POST', '/v1/servers', { name: 'picked', tool_ids: pick });
    assert.equal(s.status, 201, JSON.stringify(s.body));
    serverId = s.body.id;
  });
  after(async () => {
    for (const c of clients) await c.close().catch(() => {});
    await everything?.stop();
    await fidelity?.stop();
    await d.cleanup();
  });

  for (const mode of [{ pin: MODERN }, 'auto']) {
    test(`${JSON.stringify(mode)}: negotiates 2026-07-28 by server/discover`, async () => {
      const c = await connect('/mcp', mode);
      assert.equal(c.getNegotiatedProtocolVersion(), MODERN);
      assert.equal(c.getServerVersion()?.name, 'mcpgw');
      assert.ok(c.getServerCapabilities()?.tools);
    });

    test(`${JSON.stringify(mode)}: lists, calls, reads and gets prompts`, async () => {
      const c = await connect('/mcp', mode);
      const { tools } = await c.listTools();
      const names = tools.map((t) => t.name);
      for (const n of ['everything__echo', 'fid__all_content', 'fid__work']) assert.ok(names.includes(n), names.join());
      const echo = await c.callTool({ name: 'everything__echo', arguments: { message: 'modern hello' } });
      assert.match(echo.content[0].text, /modern hello/);
      const all = await c.callTool({ name: 'fid__all_content', arguments: {} });
      assert.deepEqual(all.content.map((x) => x.type), ['text', 'image', 'audio', 'resource', 'resource_link']);
      const { resources } = await c.listResources();
      assert.ok(resources.some((r) => r.uri === 'fid+fid://counter'), JSON.stringify(resources));
      const read = await c.readResource({ uri: 'fid+fid://counter' });
      assert.equal(read.contents[0].uri, 'fid+fid://counter');
      const { resourceTemplates } = await c.listResourceTemplates();
      assert.ok(resourceTemplates.some((t) => t.uriTemplate === 'fid+fid://items/{id}'));
      const { prompts } = await c.listPrompts();
      assert.ok(prompts.some((p) => p.name === 'fid__greet'));
      const got = await c.getPrompt({ name: 'fid__greet', arguments: { who: 'v2' } });
      assert.equal(got.messages[0].content.text, 'Hello v2');
      const done = await c.callTool({ name: 'fid__work', arguments: { tag: 'p', steps: 3, delayMs: 5 } },
        { onprogress: () => {} });
      assert.equal(done.content[0].text, 'done p');
    });
  }

  test('listen: list changes reach the client on its subscription', async () => {
    const c = await connect('/mcp', { pin: MODERN });
    assert.equal(c.getServerCapabilities()?.tools?.listChanged, true);
    let changes = 0;
    c.setNotificationHandler('notifications/tools/list_changed', () => { changes++; });
    const sub = await c.listen({ toolsListChanged: true });
    assert.deepEqual(sub.honoredFilter, { toolsListChanged: true });
    const t = await api('POST', '/v1/tools', { name: 'sdk_listened', integration_type: 'REST', url: 'http://127.0.0.1:9/x', input_schema: { type: 'object' } });
    assert.equal(t.status, 201);
    const end = Date.now() + 5000;
    while (changes === 0 && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
    assert.equal(changes, 1);
    const { tools } = await c.listTools();
    assert.ok(tools.some((x) => x.name === 'sdk_listened'));
    await sub.close();
  });

  for (const mode of [{ pin: MODERN }, 'auto']) {
    test(`${JSON.stringify(mode)}: answers the upstream's input requests (elicitation, sampling, roots) through mcpgw`, async () => {
      const c = await connect('/mcp', mode, { elicitation: {}, sampling: {}, roots: {} });
      const seen = [];
      c.setRequestHandler('elicitation/create', async (req) => {
        seen.push(req.params.message);
        return req.params.message === 'Your name?'
          ? { action: 'accept', content: { name: 'Grace' } }
          : { action: 'accept', content: { color: 'blue' } };
      });
      c.setRequestHandler('sampling/createMessage', async (req) => {
        seen.push(req.params.messages[0].content.text);
        return { role: 'assistant', content: { type: 'text', text: 'hi there' }, model: 'test-model' };
      });
      c.setRequestHandler('roots/list', async () => ({ roots: [{ uri: 'file:///v2', name: 'v2' }] }));
      const e = await c.callTool({ name: 'fid__elicit', arguments: {} });
      assert.deepEqual(JSON.parse(e.content[0].text), { action: 'accept', content: { color: 'blue' } });
      const s = await c.callTool({ name: 'fid__sample', arguments: { prompt: 'say hi' } });
      assert.equal(s.content[0].text, 'sampled: hi there (test-model)');
      const twice = await c.callTool({ name: 'fid__ask_twice', arguments: {} });
      assert.equal(twice.content[0].text, 'Grace: hi there');
      const r = await c.callTool({ name: 'fid__roots_in_call', arguments: {} });
      assert.deepEqual(JSON.parse(r.content[0].text), [{ uri: 'file:///v2', name: 'v2' }]);
      assert.deepEqual(seen, ['Pick a color', 'say hi', 'Your name?', 'greet Grace']);
    });
  }

  test('a virtual server shows its own tools only, modern too', async () => {
    const c = await connect(`/servers/${serverId}/mcp`, { pin: MODERN });
    const { tools } = await c.listTools();
    assert.deepEqual(tools.map((t) => t.name).sort(), ['everything__echo', 'fid__all_content']);
    await assert.rejects(c.callTool({ name: 'fid__work', arguments: {} }), /not found|unknown|-32602/i);
  });
});
