// Several nodes on one PostgreSQL database (issue 13): they migrate once when they start
// together, and a catalog change made through one node reaches the sessions of every node.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { Cluster } from './lib/cluster.mjs';
import { initialize, openSse, post, mcpHeaders } from './lib/mcp.mjs';
import { slowdown } from './lib/proc.mjs';
import { until } from './lib/wait.mjs';

const restTool = (name) => ({ name, integration_type: 'REST', url: 'http://127.0.0.1:9/x' });

async function adminPost(node, token, path, body) {
  const r = await fetch(`${node.base}${path}`, {
    method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  assert.equal(r.status, 201, await r.text());
}

// A session on node with its GET stream open; resolves once the stream's head is in.
async function listening(node, token) {
  const s = await initialize(`${node.base}/mcp`, token);
  const stream = await openSse(`${node.base}/mcp`, { headers: { ...mcpHeaders(token, s.headers), accept: 'text/event-stream' } });
  assert.equal(stream.status, 200);
  return { ...s, stream };
}

// The next JSON-RPC message of an SSE stream (the priming event, with no data, is not one).
async function nextMessage(stream, timeoutMs) {
  for (;;) {
    const e = await stream.next({ timeoutMs });
    if (e === null) throw new Error('the stream ended');
    if (e.data) return JSON.parse(e.data);
  }
}

async function toolNames(node, token, s) {
  const r = await post(`${node.base}/mcp`, token, { jsonrpc: '2.0', id: 9, method: 'tools/list' }, s.headers);
  return r.json.result.tools.map((t) => t.name);
}

describe('several nodes on one PostgreSQL database', () => {
  test('nodes that start together migrate the fresh database once', async (t) => {
    const c = new Cluster(3);
    t.after(() => c.cleanup());
    await c.start();
    const migrated = c.nodes.filter((d) => /migrated from schema version 0 to \d+/.test(d.log));
    assert.equal(migrated.length, 1, c.nodes.map((d) => d.log).join('\n'));
    const versions = c.sql('SELECT version FROM schema_version ORDER BY version').trim().split('\n');
    assert.deepEqual(versions, [...new Set(versions)]);
    const password = decodeURIComponent(new URL(c.adminUrl).password);
    for (const d of c.nodes) {
      assert.match(d.log, /database postgresql:\/\/mcpgw@127\.0\.0\.1:\d+\/cluster_\w+ /);
      assert.equal(d.log.includes(password), false, 'the database password is never logged');
    }
  });

  test('a catalog change made through one node reaches the sessions of the others within 1 s', async (t) => {
    const c = new Cluster(3);
    t.after(() => c.cleanup());
    await c.start();
    const [a, b, third] = c.nodes;
    const admin = a.token('--sub', 'root', '--scope', 'admin');
    const agent = b.token('--sub', 'agent', '--scope', 'mcp');
    const onB = await listening(b, agent);
    const onThird = await listening(third, agent);
    const started = Date.now();
    await adminPost(a, admin, '/v1/tools', restTool('shared_tool'));
    for (const s of [onB, onThird]) {
      const m = await nextMessage(s.stream, 1000 * slowdown(b.proc.pid));
      assert.equal(m.method, 'notifications/tools/list_changed');
    }
    const elapsed = Date.now() - started;
    assert.ok(elapsed < 1000 * slowdown(b.proc.pid), `list_changed after ${elapsed} ms`);
    assert.ok((await toolNames(b, agent, onB)).includes('shared_tool'));
    assert.ok((await toolNames(third, agent, onThird)).includes('shared_tool'));
    onB.stream.close();
    onThird.stream.close();
  });

  test('a node that lost its LISTEN connection reconnects and catches up', async (t) => {
    const c = new Cluster(2);
    t.after(() => c.cleanup());
    await c.start();
    const [a, b] = c.nodes;
    const admin = a.token('--sub', 'root', '--scope', 'admin');
    const agent = b.token('--sub', 'agent', '--scope', 'mcp');
    const onB = await listening(b, agent);
    // Every LISTEN connection of the database goes (both nodes'), as when PostgreSQL restarts.
    c.sql("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'LISTEN%'");
    await adminPost(a, admin, '/v1/tools', restTool('while_away'));
    const m = await nextMessage(onB.stream, 5000 * slowdown(b.proc.pid));
    assert.equal(m.method, 'notifications/tools/list_changed');
    await until(async () => (await toolNames(b, agent, onB)).includes('while_away'), 'while_away listed on b');
    await b.waitForLog(/database change feed: (connection lost|listening again)/);
    onB.stream.close();
  });
});
