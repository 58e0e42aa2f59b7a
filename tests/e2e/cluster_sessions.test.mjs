// Several nodes on one PostgreSQL database share legacy sessions (issue 13, deliverables 3 and
// 5): every request of one session goes to a node of the test's choosing, as a round-robin load
// balancer would send them. What one node writes to the session's GET stream reaches the node
// that holds it; a POST stream cut on one node is resumed on another and goes on live; a call in
// flight on a node killed with -9 is answered as lost; a client's answer to a request that one
// node sent reaches it through another; a DELETE on one node ends the session on all.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { Cluster } from './lib/cluster.mjs';
import { Daemon } from './lib/daemon.mjs';
import { startFidelityUpstream } from './lib/fidelity_upstream.mjs';
import { initialize, openSse, post, mcpHeaders } from './lib/mcp.mjs';
import { slowdown } from './lib/proc.mjs';
import { until } from './lib/wait.mjs';

const shared = { transport: { event_store: 'database' }, federation: { discovery_timeout: '5s', request_timeout: '30s' } };

// Three nodes sharing sessions, with the SDK-built test upstream registered as "fa".
async function cluster(t, n = 3) {
  const up = await startFidelityUpstream({ name: 'fa' });
  const c = new Cluster(n, shared);
  t.after(async () => { try { await c.cleanup(); } finally { await up.stop(); } });
  await c.start();
  const admin = c.nodes[0].token('--sub', 'root', '--scope', 'admin');
  const { status, body: created } = await Cluster.addGateway(c.nodes[0].base, admin, 'fa', up.url);
  assert.equal(status, 201, JSON.stringify(created));
  assert.equal(created.discovery.ok, true, JSON.stringify(created.discovery));
  const token = c.nodes[0].token('--sub', 'alice', '--scope', 'mcp');
  // Every node lists the gateway's tools before the test goes on.
  for (const node of c.nodes)
    await until(async () => {
      const s = await initialize(`${node.base}/mcp`, token);
      const r = await post(`${node.base}/mcp`, token, { jsonrpc: '2.0', id: 1, method: 'tools/list' }, s.headers);
      return r.json?.result?.tools?.some((x) => x.name === 'fa__work');
    }, `fa's tools on ${node.base}`);
  return { c, up, token };
}

// A session initialized on node (capabilities as given).
async function session(node, token, capabilities = {}) {
  const r = await post(`${node.base}/mcp`, token, {
    jsonrpc: '2.0', id: 0, method: 'initialize',
    params: { protocolVersion: '2025-11-25', capabilities, clientInfo: { name: 'cluster-e2e', version: '1' } },
  }, { accept: 'application/json' });
  assert.equal(r.status, 200, r.text);
  const headers = { 'mcp-session-id': r.headers.get('mcp-session-id'), 'mcp-protocol-version': '2025-11-25' };
  assert.equal((await post(`${node.base}/mcp`, token, { jsonrpc: '2.0', method: 'notifications/initialized' }, headers)).status, 202);
  return headers;
}

// A session initialized on a, its GET stream opened on b, subscribed to fa's counter through a:
// { h, get, held } (held: the upstream session a subscribed in).
async function subscribedThrough(a, b, token, up) {
  const h = await session(a, token);
  const get = await openSse(`${b.base}/mcp`, { headers: { ...mcpHeaders(token, h), accept: 'text/event-stream' } });
  assert.equal(get.status, 200);
  const sub = await post(`${a.base}/mcp`, token, { jsonrpc: '2.0', id: 2, method: 'resources/subscribe', params: { uri: 'fa+fid://counter' } }, h);
  assert.deepEqual(sub.json?.result, {}, sub.text);
  return { h, get, held: up.state.subscribeCalls.at(-1).session };
}

// A tools/call POSTed to node, its SSE response opened.
function callSse(node, token, headers, id, name, args, meta) {
  return openSse(`${node.base}/mcp`, {
    method: 'POST', headers: mcpHeaders(token, headers),
    body: JSON.stringify({ jsonrpc: '2.0', id, method: 'tools/call', params: { name, arguments: args, ...(meta ? { _meta: meta } : {}) } }),
  });
}

// Events of a stream up to the response to id (or the end): [{id, message}].
async function readUntilResponse(stream, id, timeoutMs) {
  const got = [];
  for (;;) {
    const e = await stream.next({ timeoutMs });
    if (e === null) return got;
    const message = e.data ? JSON.parse(e.data) : null;
    got.push({ id: e.id, message });
    if (message && message.id === id && !message.method) return got;
  }
}

describe('sessions shared by several nodes', () => {
  test('what one node writes to a session\'s GET stream reaches the node that holds that stream', async (t) => {
    const { c, up, token } = await cluster(t);
    const [a, b, third] = c.nodes;
    // The subscription is made through a: a's upstream session follows the upstream's GET stream.
    const { h, get, held: upstreamSession } = await subscribedThrough(a, b, token, up);
    await until(() => up.state.getStreams.includes(upstreamSession), 'a to follow the upstream session');
    // The change comes through the third node.
    const bump = await post(`${third.base}/mcp`, token, { jsonrpc: '2.0', id: 3, method: 'tools/call', params: { name: 'fa__bump', arguments: {} } }, h);
    assert.equal(bump.status, 200, bump.text);
    for (;;) {
      const e = await get.next({ timeoutMs: 5000 * slowdown(b.proc.pid) });
      assert.notEqual(e, null, 'the GET stream ended');
      if (!e.data) continue;  // the priming event
      const m = JSON.parse(e.data);
      assert.equal(m.method, 'notifications/resources/updated');
      assert.deepEqual(m.params, { uri: 'fa+fid://counter' });
      assert.match(e.id, new RegExp(`^${h['mcp-session-id']}\\.0\\.\\d+$`));
      break;
    }
    get.close();
  });

  test('a POST stream cut on one node is resumed on another and goes on live to its response', async (t) => {
    const { c, token } = await cluster(t, 2);
    const [a, b] = c.nodes;
    const h = await session(a, token);
    const call = await callSse(a, token, h, 7, 'fa__work', { tag: 'x', steps: 6, delayMs: 250 }, { progressToken: 'p' });
    const first = await call.next();
    assert.ok(first.id, 'the priming event carries an id');
    let last = first.id;
    const e = await call.next({ timeoutMs: 5000 });
    if (e?.id) last = e.id;
    call.close();  // the client's connection to a breaks
    const resumed = await openSse(`${b.base}/mcp`, { headers: { ...mcpHeaders(token, h), accept: 'text/event-stream', 'last-event-id': last } });
    assert.equal(resumed.status, 200);
    const got = await readUntilResponse(resumed, 7, 10000 * slowdown(b.proc.pid));
    const response = got.at(-1).message;
    assert.equal(response?.id, 7, JSON.stringify(got));
    assert.deepEqual(response.result.content, [{ type: 'text', text: 'done x' }]);
    const progress = got.filter((g) => g.message?.method === 'notifications/progress').map((g) => g.message.params.progress);
    assert.ok(progress.length >= 1, JSON.stringify(got));
    assert.deepEqual(progress, [...progress].sort((x, y) => x - y), 'in order');
    // Ids go on from the one it resumed after, without a gap.
    const seqs = got.map((g) => Number(g.id.split('.').at(-1)));
    const from = Number(last.split('.').at(-1));
    assert.deepEqual(seqs, seqs.map((_, i) => from + 1 + i));
    assert.equal(await resumed.next({ timeoutMs: 5000 }), null, 'the stream ends after its response');
  });

  test('a call in flight on a node killed with -9 is answered as lost on the stream resumed elsewhere', async (t) => {
    const { c, token } = await cluster(t, 2);
    const [a, b] = c.nodes;
    const h = await session(a, token);
    const call = await callSse(a, token, h, 11, 'fa__work', { tag: 'long', steps: 100, delayMs: 200 });
    const priming = await call.next();
    assert.ok(priming.id);
    await a.stop('SIGKILL');
    call.close();
    const started = Date.now();
    const resumed = await openSse(`${b.base}/mcp`, { headers: { ...mcpHeaders(token, h), accept: 'text/event-stream', 'last-event-id': priming.id } });
    assert.equal(resumed.status, 200);
    const got = await readUntilResponse(resumed, 11, 20000 * slowdown(b.proc.pid));
    const lost = got.at(-1).message;
    assert.equal(lost?.id, 11, JSON.stringify(got));
    assert.equal(lost.error.code, -32603);
    assert.equal(lost.error.data.lost, true);
    assert.match(lost.error.message, /lost/);
    // Within the lease (5 s) and a poll, not a request timeout.
    assert.ok(Date.now() - started < 15000 * slowdown(b.proc.pid), `answered after ${Date.now() - started} ms`);
    await b.waitForLog(/stopped before answering it; answered its 1 request\(s\) with lost-call errors/);
    // The session itself lives on: the next call on b works.
    const again = await post(`${b.base}/mcp`, token, { jsonrpc: '2.0', id: 12, method: 'tools/call', params: { name: 'fa__work', arguments: { steps: 1 } } }, { ...h, accept: 'application/json' });
    assert.equal(again.json?.result?.content?.[0]?.text, 'done ', again.text);
  });

  test('a client\'s answer to a sampling request reaches the node that asked, through another', async (t) => {
    const { c, token } = await cluster(t, 2);
    const [a, b] = c.nodes;
    const h = await session(a, token, { sampling: {} });
    const call = await callSse(a, token, h, 21, 'fa__sample', { prompt: 'hello' });
    let request;
    for (;;) {
      const e = await call.next({ timeoutMs: 10000 });
      assert.notEqual(e, null);
      const m = e.data ? JSON.parse(e.data) : null;
      if (m?.method === 'sampling/createMessage') { request = m; break; }
    }
    assert.match(String(request.id), /^mcpgw-[0-9a-f]+-\d+$/, 'the id names the node that asked');
    const answer = await post(`${b.base}/mcp`, token, {
      jsonrpc: '2.0', id: request.id,
      result: { role: 'assistant', content: { type: 'text', text: 'hi there' }, model: 'test-model' },
    }, h);
    assert.equal(answer.status, 202, answer.text);
    const got = await readUntilResponse(call, 21, 10000 * slowdown(a.proc.pid));
    assert.deepEqual(got.at(-1).message?.result?.content, [{ type: 'text', text: 'sampled: hi there (test-model)' }]);
  });

  test('a request an upstream sends on its GET stream reaches the client through the node that holds the client\'s GET, and the answer comes back through a third', async (t) => {
    const { c, token } = await cluster(t, 3);
    const [a, b, third] = c.nodes;
    const h = await session(a, token, { roots: {} });
    const get = await openSse(`${b.base}/mcp`, { headers: { ...mcpHeaders(token, h), accept: 'text/event-stream' } });
    assert.equal(get.status, 200);
    const call = await callSse(a, token, h, 31, 'fa__ask_roots', {});
    let request;
    for (;;) {
      const e = await get.next({ timeoutMs: 10000 * slowdown(b.proc.pid) });
      assert.notEqual(e, null, 'the GET stream ended');
      const m = e.data ? JSON.parse(e.data) : null;
      if (m?.method === 'roots/list') { request = m; break; }
    }
    const answer = await post(`${third.base}/mcp`, token, { jsonrpc: '2.0', id: request.id, result: { roots: [{ uri: 'file:///tmp/x', name: 'x' }] } }, h);
    assert.equal(answer.status, 202, answer.text);
    const got = await readUntilResponse(call, 31, 10000 * slowdown(a.proc.pid));
    assert.deepEqual(JSON.parse(got.at(-1).message.result.content[0].text), [{ uri: 'file:///tmp/x', name: 'x' }]);
    get.close();
  });

  test('a DELETE on one node ends the session on every node', async (t) => {
    const { c, token } = await cluster(t, 3);
    const [a, b, third] = c.nodes;
    const h = await session(a, token);
    for (const node of [b, third]) {
      const r = await post(`${node.base}/mcp`, token, { jsonrpc: '2.0', id: 1, method: 'ping' }, h);
      assert.equal(r.status, 200, r.text);
    }
    const del = await fetch(`${b.base}/mcp`, { method: 'DELETE', headers: mcpHeaders(token, h) });
    assert.equal(del.status, 204);
    for (const node of [a, third])
      await until(async () => (await post(`${node.base}/mcp`, token, { jsonrpc: '2.0', id: 2, method: 'ping' }, h)).status === 404,
        `the session gone on ${node.base}`);
  });
});

describe('resumption beyond what the store keeps', () => {
  test('a Last-Event-ID older than the kept events is told so, then gets the oldest kept', async (t) => {
    const d = new Daemon({ transport: { max_events_per_stream: 4 } });
    t.after(() => d.cleanup());
    await d.start();
    const token = d.token('--sub', 'alice', '--scope', 'mcp');
    const admin = d.token('--sub', 'root', '--scope', 'admin');
    const s = await initialize(`${d.base}/mcp`, token);
    const get = await openSse(`${d.base}/mcp`, { headers: { ...mcpHeaders(token, s.headers), accept: 'text/event-stream' } });
    const priming = await get.next();
    // Ten catalog changes: ten list_changed on the GET stream, of which the store keeps 4.
    for (let i = 0; i < 10; i++) {
      const r = await fetch(`${d.base}/v1/tools`, {
        method: 'POST', headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
        body: JSON.stringify({ name: `t${i}`, integration_type: 'REST', url: 'http://127.0.0.1:9/x' }),
      });
      assert.equal(r.status, 201);
      await get.next({ timeoutMs: 5000 });
    }
    get.close();
    const resumed = await openSse(`${d.base}/mcp`, { headers: { ...mcpHeaders(token, s.headers), accept: 'text/event-stream', 'last-event-id': priming.id } });
    const notice = await resumed.next();
    assert.equal(notice.id, undefined, 'the notice carries no id');
    const m = JSON.parse(notice.data);
    assert.equal(m.method, 'notifications/message');
    assert.equal(m.params.level, 'warning');
    assert.equal(m.params.data.lastEventId, priming.id);
    assert.equal(m.params.data.missedFrom, 1);
    assert.equal(m.params.data.missedThrough, 6);
    const next = await resumed.next();
    assert.match(next.id, /\.0\.7$/);
    resumed.close();
  });

  test('a subscription outlives the node that held it: renewed elsewhere after kill -9, and an unsubscribe through any node ends it', async (t) => {
    const { c, up, token } = await cluster(t);
    const [a, b, third] = c.nodes;
    const { h, get, held } = await subscribedThrough(a, b, token, up);
    await a.stop('SIGKILL');
    // Within the lease and a scan, one of the others subscribes again, in an upstream session of
    // its own that it follows.
    await until(() => up.state.subscribeCalls.some((x) => x.method === 'subscribe' && x.session !== held),
      () => `a renewal: ${JSON.stringify(up.state.subscribeCalls)}`, { timeoutMs: 20000 * slowdown(b.proc.pid) });
    const renewals = up.state.subscribeCalls.filter((x) => x.method === 'subscribe' && x.session !== held);
    assert.equal(renewals.length, 1, 'one node renews it');
    const renewed = renewals[0].session;
    assert.equal(renewals[0].uri, 'fid://counter');
    await until(() => up.state.getStreams.includes(renewed), 'the renewing node to follow its upstream session');
    // First the renewal's own update (the resource may have changed in the gap), then the live one.
    const updated = async () => {
      for (;;) {
        const e = await get.next({ timeoutMs: 5000 * slowdown(b.proc.pid) });
        assert.notEqual(e, null, 'the GET stream ended');
        if (!e.data) continue;
        assert.deepEqual(JSON.parse(e.data), { jsonrpc: '2.0', method: 'notifications/resources/updated', params: { uri: 'fa+fid://counter' } });
        return;
      }
    };
    await updated();
    const sentBefore = up.state.updatesSent.filter((u) => u.session === renewed).length;
    const bump = await post(`${third.base}/mcp`, token, { jsonrpc: '2.0', id: 3, method: 'tools/call', params: { name: 'fa__bump', arguments: {} } }, h);
    assert.equal(bump.status, 200, bump.text);
    assert.equal(up.state.updatesSent.filter((u) => u.session === renewed).length, sentBefore + 1, 'the upstream sent it to the renewed session');
    await updated();
    // The client unsubscribes through both live nodes in turn (a balancer picks one): the node
    // that holds the subscription unsubscribes upstream, in the session it renewed it in.
    for (const node of [b, third]) {
      const r = await post(`${node.base}/mcp`, token, { jsonrpc: '2.0', id: 4, method: 'resources/unsubscribe', params: { uri: 'fa+fid://counter' } }, h);
      assert.deepEqual(r.json?.result, {}, r.text);
    }
    await until(() => up.state.subscribeCalls.some((x) => x.method === 'unsubscribe' && x.session === renewed),
      () => `the unsubscribe upstream: ${JSON.stringify(up.state.subscribeCalls)}`, { timeoutMs: 10000 });
    // (The dead node's upstream session is subscribed still: nobody could tell the upstream.)
    const live = () => up.state.updatesSent.filter((u) => u.session !== held).length;
    const sent = live();
    const again = await post(`${third.base}/mcp`, token, { jsonrpc: '2.0', id: 5, method: 'tools/call', params: { name: 'fa__bump', arguments: {} } }, h);
    assert.equal(again.status, 200, again.text);
    assert.equal(live(), sent, 'no live node\'s upstream session is subscribed any more');
    get.close();
  });
});
