// Issue 3 acceptance: MCP over streamable HTTP, seen from real clients.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { ToolListChangedNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import { Daemon, rawExchange, statusOf } from './lib/daemon.mjs';
import { post, initialize, openSse, mcpHeaders, LATEST } from './lib/mcp.mjs';

async function addTool(d, admin, name, extra = {}) {
  const res = await fetch(`${d.base}/v1/tools`, {
    method: 'POST',
    headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name, description: `the ${name} tool`, integration_type: 'REST', url: 'http://127.0.0.1:9/x', ...extra }),
  });
  assert.equal(res.status, 201, await res.clone().text());
  return res.json();
}

async function addServer(d, admin, name, toolIds) {
  const res = await fetch(`${d.base}/v1/servers`, {
    method: 'POST',
    headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name, tool_ids: toolIds }),
  });
  assert.equal(res.status, 201, await res.clone().text());
  return res.json();
}

// The official SDK client; `version` other than the latest is asked for by rewriting the
// initialize request the SDK sends (the SDK always asks for its latest).
// `getOpen` resolves when the SDK's standalone GET stream got its 200 head from mcpgw.
async function sdkClient(url, token, { version } = {}) {
  let opened;
  const getOpen = new Promise((r) => { opened = r; });
  const fetchFn = async (input, init) => {
    if (version && init?.body && typeof init.body === 'string' && init.body.includes('"initialize"')) {
      const msg = JSON.parse(init.body);
      msg.params.protocolVersion = version;
      init = { ...init, body: JSON.stringify(msg) };
    }
    const res = await fetch(input, init);
    if ((init?.method ?? 'GET') === 'GET' && res.status === 200) opened();
    return res;
  };
  const transport = new StreamableHTTPClientTransport(new URL(url), {
    requestInit: { headers: { authorization: `Bearer ${token}` } },
    fetch: fetchFn,
  });
  const client = new Client({ name: 'mcpgw-e2e', version: '1.0.0' });
  await client.connect(transport);
  return { client, transport, getOpen };
}

describe('official TypeScript SDK client', () => {
  const d = new Daemon();
  let admin, user, tools;
  before(async () => {
    await d.start();
    admin = d.token('--sub', 'root', '--scope', 'admin');
    user = d.token('--sub', 'alice', '--scope', 'mcp');
    tools = [await addTool(d, admin, 'weather'), await addTool(d, admin, 'echo')];
  });
  after(() => d.cleanup());

  for (const version of [LATEST, '2025-06-18', '2025-03-26']) {
    test(`negotiates ${version}, pings, lists tools, terminates the session`, async () => {
      const { client, transport } = await sdkClient(`${d.base}/mcp`, user, { version: version === LATEST ? undefined : version });
      assert.equal(transport.protocolVersion, version);
      assert.equal(client.getServerVersion().name, 'mcpgw');
      assert.deepEqual(client.getServerCapabilities().tools, { listChanged: true });
      assert.deepEqual(await client.ping(), {});
      const listed = await client.listTools();
      assert.deepEqual(listed.tools.map((t) => t.name), ['echo', 'weather']);
      assert.deepEqual(listed.tools[1], {
        name: 'weather', description: 'the weather tool', inputSchema: { type: 'object' },
      });
      const sid = transport.sessionId;
      assert.match(sid, /^[\x21-\x7e]+$/);
      await transport.terminateSession();
      await client.close();
      const after = await post(`${d.base}/mcp`, user, { jsonrpc: '2.0', id: 1, method: 'ping' },
        { 'mcp-session-id': sid, 'mcp-protocol-version': version });
      assert.equal(after.status, 404);
      assert.equal(after.json.error.code, -32001);
    });
  }

  test('receives tools/list_changed on its GET stream when the catalog changes', async () => {
    const { client, transport, getOpen } = await sdkClient(`${d.base}/mcp`, user);
    const changed = new Promise((resolve) => client.setNotificationHandler(ToolListChangedNotificationSchema, resolve));
    await getOpen; // the SDK opens its GET stream after initialized
    const t = await addTool(d, admin, 'late_arrival');
    const n = await Promise.race([changed, new Promise((_, rej) => setTimeout(() => rej(new Error('no list_changed')), 5000))]);
    assert.equal(n.method, 'notifications/tools/list_changed');
    assert.ok((await client.listTools()).tools.some((x) => x.name === 'late_arrival'));
    await fetch(`${d.base}/v1/tools/${t.id}`, { method: 'DELETE', headers: { authorization: `Bearer ${admin}` } });
    await transport.terminateSession();
    await client.close();
  });

  test('a virtual server lists only its own tools; other servers are 403, unknown ones 404', async () => {
    const s1 = await addServer(d, admin, 'only-echo', [tools[1].id]);
    const s2 = await addServer(d, admin, 'only-weather', [tools[0].id]);
    const { client, transport } = await sdkClient(`${d.base}/servers/${s1.id}/mcp`, user);
    assert.deepEqual((await client.listTools()).tools.map((t) => t.name), ['echo']);
    await transport.terminateSession();
    await client.close();

    const limited = d.token('--sub', 'bob', '--scope', 'mcp', '--server', s2.id);
    const denied = await initialize(`${d.base}/servers/${s1.id}/mcp`, limited).catch((e) => e.message);
    assert.match(denied, /^initialize: 403 /);
    const unknown = await initialize(`${d.base}/servers/nope/mcp`, user).catch((e) => e.message);
    assert.match(unknown, /^initialize: 404 /);
    // On /mcp a limited token sees the union of its servers.
    const { client: c2, transport: t2 } = await sdkClient(`${d.base}/mcp`, limited);
    assert.deepEqual((await c2.listTools()).tools.map((t) => t.name), ['weather']);
    await t2.terminateSession();
    await c2.close();
  });
});

describe('HTTP rules of the endpoint', () => {
  const d = new Daemon({ transport: { max_sessions: 50 } });
  let user, other, admin, url;
  before(async () => {
    await d.start();
    admin = d.token('--sub', 'root', '--scope', 'admin');
    user = d.token('--sub', 'alice', '--scope', 'mcp');
    other = d.token('--sub', 'mallory', '--scope', 'mcp');
    url = `${d.base}/mcp`;
  });
  after(() => d.cleanup());

  test('Accept: 406 when neither JSON nor SSE is listed; either one alone is served', async () => {
    const s = await initialize(url, user);
    const ping = { jsonrpc: '2.0', id: 7, method: 'ping' };
    assert.equal((await post(url, user, ping, { ...s.headers, accept: 'text/plain' })).status, 406);
    const json = await post(url, user, ping, { ...s.headers, accept: 'application/json' });
    assert.equal(json.status, 200);
    assert.equal(json.text, '{"jsonrpc":"2.0","id":7,"result":{}}');
    const sse = await openSse(url, { method: 'POST', headers: mcpHeaders(user, { ...s.headers, accept: 'text/event-stream' }), body: JSON.stringify(ping) });
    assert.equal(sse.status, 200);
    assert.equal(sse.headers.get('content-type'), 'text/event-stream');
    assert.equal(sse.headers.get('cache-control'), 'no-cache, no-transform');
    assert.equal(sse.headers.get('x-accel-buffering'), 'no');
    const priming = await sse.next();
    assert.equal(priming.data, '');
    assert.equal(priming.retry, '1000');
    assert.match(priming.id, new RegExp(`^${s.sid}\\.\\d+\\.0$`));
    const reply = await sse.next();
    assert.equal(reply.event, 'message');
    assert.deepEqual(JSON.parse(reply.data), { jsonrpc: '2.0', id: 7, result: {} });
    assert.equal(await sse.next(), null, 'the POST stream ends after its response');
  });

  test('no priming event for clients older than 2025-11-25', async () => {
    const s = await initialize(url, user, '2025-06-18');
    const sse = await openSse(url, { method: 'POST', headers: mcpHeaders(user, { ...s.headers, accept: 'text/event-stream' }), body: '{"jsonrpc":"2.0","id":1,"method":"ping"}' });
    const first = await sse.next();
    assert.deepEqual(JSON.parse(first.data), { jsonrpc: '2.0', id: 1, result: {} });
  });

  test('Content-Type other than JSON: 415; malformed JSON: 400 with -32700 and id null', async () => {
    const s = await initialize(url, user);
    assert.equal((await post(url, user, '{}', { ...s.headers, 'content-type': 'text/plain' })).status, 415);
    const bad = await post(url, user, '{"jsonrpc":', s.headers);
    assert.equal(bad.status, 400);
    assert.equal(bad.json.error.code, -32700);
    assert.equal(bad.json.id, null);
  });

  test('ids keep their JSON type; unknown method -32601; bad params -32602; null id -32600', async () => {
    const s = await initialize(url, user);
    const str = await post(url, user, { jsonrpc: '2.0', id: '1', method: 'ping' }, s.headers);
    assert.equal(str.text, '{"jsonrpc":"2.0","id":"1","result":{}}');
    const num = await post(url, user, { jsonrpc: '2.0', id: 1, method: 'ping' }, s.headers);
    assert.equal(num.text, '{"jsonrpc":"2.0","id":1,"result":{}}');
    const zero = await post(url, user, { jsonrpc: '2.0', id: 0, method: 'ping' }, s.headers);
    assert.equal(zero.json.id, 0);
    const unknown = await post(url, user, { jsonrpc: '2.0', id: 'x', method: 'no/such' }, s.headers);
    assert.equal(unknown.json.error.code, -32601);
    assert.equal(unknown.json.id, 'x');
    const params = await post(url, user, { jsonrpc: '2.0', id: 2, method: 'logging/setLevel', params: { level: 'loud' } }, s.headers);
    assert.equal(params.json.error.code, -32602);
    const arr = await post(url, user, { jsonrpc: '2.0', id: 3, method: 'ping', params: [1] }, s.headers);
    assert.equal(arr.json.error.code, -32602);
    const nul = await post(url, user, { jsonrpc: '2.0', id: null, method: 'ping' }, s.headers);
    assert.equal(nul.status, 400);
    assert.equal(nul.json.error.code, -32600);
    const setLevel = await post(url, user, { jsonrpc: '2.0', id: 4, method: 'logging/setLevel', params: { level: 'debug' } }, s.headers);
    assert.equal(setLevel.text, '{"jsonrpc":"2.0","id":4,"result":{}}');
    const complete = await post(url, user, { jsonrpc: '2.0', id: 5, method: 'completion/complete', params: { ref: { type: 'ref/prompt', name: 'p' }, argument: { name: 'a', value: 'b' } } }, s.headers);
    assert.deepEqual(complete.json.result, { completion: { values: [], total: 0, hasMore: false } });
  });

  test('notifications and responses: 202 with an empty body', async () => {
    const s = await initialize(url, user);
    const n = await post(url, user, { jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: 9 } }, s.headers);
    assert.equal(n.status, 202);
    assert.equal(n.text, '');
    assert.equal(n.headers.get('content-length'), '0', 'framed, so the client need not wait for close');
    const r = await post(url, user, { jsonrpc: '2.0', id: 'mcpgw-999', result: {} }, s.headers);
    assert.equal(r.status, 202);
  });

  test('session rules: 400 missing, 404 unknown, 404 for another principal or another endpoint', async () => {
    const s = await initialize(url, user);
    const ping = { jsonrpc: '2.0', id: 1, method: 'ping' };
    const missing = await post(url, user, ping);
    assert.equal(missing.status, 400);
    const unknown = await post(url, user, ping, { 'mcp-session-id': 'deadbeef' });
    assert.equal(unknown.status, 404);
    assert.equal(unknown.json.error.code, -32001);
    const stolen = await post(url, other, ping, s.headers);
    assert.equal(stolen.status, 404, 'never 403: that would confirm the session exists');
    const tool = await (await fetch(`${d.base}/v1/tools`, { method: 'POST', headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' }, body: JSON.stringify({ name: 't1', integration_type: 'REST', url: 'http://127.0.0.1:9/' }) })).json();
    const srv = await (await fetch(`${d.base}/v1/servers`, { method: 'POST', headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' }, body: JSON.stringify({ name: 's1', tool_ids: [tool.id] }) })).json();
    const elsewhere = await post(`${d.base}/servers/${srv.id}/mcp`, user, ping, s.headers);
    assert.equal(elsewhere.status, 404);
    const again = await post(url, user, { jsonrpc: '2.0', id: 2, method: 'initialize', params: { protocolVersion: LATEST, capabilities: {}, clientInfo: { name: 'x', version: '1' } } }, s.headers);
    assert.equal(again.status, 400);
  });

  test('MCP-Protocol-Version: unsupported value 400; absent is fine', async () => {
    const s = await initialize(url, user);
    const bad = await post(url, user, { jsonrpc: '2.0', id: 1, method: 'ping' }, { 'mcp-session-id': s.sid, 'mcp-protocol-version': '1999-01-01' });
    assert.equal(bad.status, 400);
    const none = await post(url, user, { jsonrpc: '2.0', id: 1, method: 'ping' }, { 'mcp-session-id': s.sid });
    assert.equal(none.status, 200);
  });

  test('Origin and Host: foreign ones 403, localhost origins allowed', async () => {
    const bad = await post(url, user, { jsonrpc: '2.0', id: 1, method: 'ping' }, { origin: 'http://evil.example' });
    assert.equal(bad.status, 403);
    const init = await initialize(url, user, LATEST, { origin: 'http://localhost:5173' });
    assert.ok(init.sid);
    // fetch will not send a foreign Host header; a raw request does (DNS rebinding).
    const body = '{"jsonrpc":"2.0","id":1,"method":"ping"}';
    const raw = await rawExchange(d.port, `POST /mcp HTTP/1.1\r\nHost: evil.example:${d.port}\r\n` +
      `Authorization: Bearer ${user}\r\nContent-Type: application/json\r\nAccept: application/json\r\n` +
      `Content-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`);
    assert.equal(statusOf(raw), 403);
    assert.match(raw, /Host not allowed/);
  });

  test('unauthenticated: 401 with WWW-Authenticate; token without the mcp scope: 403', async () => {
    const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json' }, body: '{}' });
    assert.equal(res.status, 401);
    const meta = `${new URL(url).origin}/.well-known/oauth-protected-resource${new URL(url).pathname}`;
    assert.equal(res.headers.get('www-authenticate'), `Bearer resource_metadata="${meta}", scope="mcp"`);
    const adm = await post(url, admin, { jsonrpc: '2.0', id: 1, method: 'ping' });
    assert.equal(adm.status, 403);
    assert.equal(adm.headers.get('www-authenticate'),
      `Bearer error="insufficient_scope", scope="mcp", resource_metadata="${meta}"`);
  });

  test('batches: answered on 2025-03-26, refused later; initialize never in a batch', async () => {
    const old = await initialize(url, user, '2025-03-26');
    const batch = [
      { jsonrpc: '2.0', id: 1, method: 'ping' },
      { jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: 77 } },
      { jsonrpc: '2.0', id: 'b', method: 'tools/list' },
      { jsonrpc: '2.0', id: 3, method: 'nope' },
      { foo: 1 },
    ];
    const r = await post(url, user, batch, old.headers);
    assert.equal(r.status, 200);
    assert.equal(r.json.length, 4);
    assert.deepEqual(r.json[0], { jsonrpc: '2.0', id: 1, result: {} });
    assert.equal(r.json[1].id, 'b');
    assert.equal(r.json[2].error.code, -32601);
    assert.equal(r.json[3].error.code, -32600);
    const onlyNotes = await post(url, user, [{ jsonrpc: '2.0', method: 'notifications/initialized' }], old.headers);
    assert.equal(onlyNotes.status, 202);
    const empty = await post(url, user, [], old.headers);
    assert.equal(empty.status, 400);
    assert.equal(empty.json.error.code, -32600);

    const sseBatch = await openSse(url, { method: 'POST', headers: mcpHeaders(user, { ...old.headers, accept: 'text/event-stream' }), body: JSON.stringify(batch.slice(0, 3)) });
    const e1 = JSON.parse((await sseBatch.next()).data);
    const e2 = JSON.parse((await sseBatch.next()).data);
    assert.deepEqual([e1.id, e2.id], [1, 'b'], 'one SSE event per response, never an array');

    const now = await initialize(url, user, LATEST);
    const refused = await post(url, user, batch.slice(0, 1), now.headers);
    assert.equal(refused.status, 400);
    assert.equal(refused.json.error.code, -32600);
    const initBatch = await post(url, user, [{ jsonrpc: '2.0', id: 0, method: 'initialize', params: { protocolVersion: '2025-03-26', capabilities: {}, clientInfo: { name: 'x', version: '1' } } }]);
    assert.equal(initBatch.status, 400);
  });

  test('GET: 406 without text/event-stream, 400 without session; DELETE ends the session', async () => {
    const s = await initialize(url, user);
    const notSse = await fetch(url, { headers: { authorization: `Bearer ${user}`, accept: 'application/json', ...s.headers } });
    assert.equal(notSse.status, 406);
    const noSession = await fetch(url, { headers: { authorization: `Bearer ${user}`, accept: 'text/event-stream' } });
    assert.equal(noSession.status, 400);
    const stream = await openSse(url, { headers: mcpHeaders(user, s.headers) });
    assert.equal(stream.status, 200);
    assert.equal(stream.headers.get('mcp-session-id'), s.sid);
    assert.equal((await stream.next()).data, '', 'priming event');
    const del = await fetch(url, { method: 'DELETE', headers: { authorization: `Bearer ${user}`, ...s.headers } });
    assert.equal(del.status, 204);
    assert.equal(await stream.next(), null, 'DELETE closes the session\'s streams');
    const gone = await fetch(url, { method: 'DELETE', headers: { authorization: `Bearer ${user}`, ...s.headers } });
    assert.equal(gone.status, 404);
  });

  test('tools/list pages with an opaque cursor in a stable order', async () => {
    const s = await initialize(url, user);
    const names = Array.from({ length: 103 }, (_, i) => `page_${String(i).padStart(3, '0')}`);
    for (const n of names) await fetch(`${d.base}/v1/tools`, { method: 'POST', headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' }, body: JSON.stringify({ name: n, integration_type: 'REST', url: 'http://127.0.0.1:9/' }) });
    const seen = [];
    let cursor;
    let pages = 0;
    do {
      const r = await post(url, user, { jsonrpc: '2.0', id: pages, method: 'tools/list', params: cursor ? { cursor } : {} }, s.headers);
      seen.push(...r.json.result.tools.map((t) => t.name));
      cursor = r.json.result.nextCursor;
      pages++;
    } while (cursor);
    assert.equal(pages, 2);
    const expected = [...seen].sort();
    assert.deepEqual(seen, expected);
    for (const n of names) assert.ok(seen.includes(n));
    const bad = await post(url, user, { jsonrpc: '2.0', id: 9, method: 'tools/list', params: { cursor: 'zz' } }, s.headers);
    assert.equal(bad.json.error.code, -32602);
  });
});

describe('session limits and modes', () => {
  test('over transport.max_sessions: 503 with Retry-After', async (t) => {
    const d = new Daemon({ transport: { max_sessions: 2 } });
    t.after(() => d.cleanup());
    await d.start();
    const user = d.token('--sub', 'alice', '--scope', 'mcp');
    await initialize(`${d.base}/mcp`, user);
    await initialize(`${d.base}/mcp`, user);
    const r = await post(`${d.base}/mcp`, user, { jsonrpc: '2.0', id: 0, method: 'initialize', params: { protocolVersion: LATEST, capabilities: {}, clientInfo: { name: 'x', version: '1' } } });
    assert.equal(r.status, 503);
    assert.ok(r.headers.get('retry-after'));
  });

  test('idle sessions are reaped after transport.session_idle_ttl', async (t) => {
    const d = new Daemon({ transport: { session_idle_ttl: '1s' } });
    t.after(() => d.cleanup());
    await d.start();
    const user = d.token('--sub', 'alice', '--scope', 'mcp');
    const s = await initialize(`${d.base}/mcp`, user);
    assert.equal((await post(`${d.base}/mcp`, user, { jsonrpc: '2.0', id: 1, method: 'ping' }, s.headers)).status, 200);
    await new Promise((r) => setTimeout(r, 1800));
    assert.equal((await post(`${d.base}/mcp`, user, { jsonrpc: '2.0', id: 2, method: 'ping' }, s.headers)).status, 404);
  });

  test('idle SSE streams get keepalive comments every transport.keepalive', async (t) => {
    const d = new Daemon({ transport: { keepalive: '1s' } });
    t.after(() => d.cleanup());
    await d.start();
    const user = d.token('--sub', 'alice', '--scope', 'mcp');
    const s = await initialize(`${d.base}/mcp`, user);
    const g = await openSse(`${d.base}/mcp`, { headers: mcpHeaders(user, s.headers) });
    assert.equal((await g.next()).data, '');
    const started = Date.now();
    const c = await g.next({ comments: true, timeoutMs: 3000 });
    assert.equal(c.raw, ': keepalive');
    assert.ok(Date.now() - started >= 800);
    g.close();
  });

  test('session ids that mcpgw never issues are 404 without a lookup', async (t) => {
    const d = new Daemon({ transport: { event_store: 'database' } });
    t.after(() => d.cleanup());
    await d.start();
    const user = d.token('--sub', 'alice', '--scope', 'mcp');
    for (const sid of ['x', 'A'.repeat(32), '0'.repeat(31), '../../etc/passwd']) {
      const r = await post(`${d.base}/mcp`, user, { jsonrpc: '2.0', id: 1, method: 'ping' }, { 'mcp-session-id': sid });
      assert.equal(r.status, 404, sid);
    }
  });

  test('stateless mode: no session id, every POST self-contained, GET and DELETE 405', async (t) => {
    const d = new Daemon({ transport: { stateful: false } });
    t.after(() => d.cleanup());
    await d.start();
    const user = d.token('--sub', 'alice', '--scope', 'mcp');
    const url = `${d.base}/mcp`;
    const init = await post(url, user, { jsonrpc: '2.0', id: 0, method: 'initialize', params: { protocolVersion: LATEST, capabilities: {}, clientInfo: { name: 'x', version: '1' } } });
    assert.equal(init.status, 200);
    assert.equal(init.headers.get('mcp-session-id'), null);
    const list = await post(url, user, { jsonrpc: '2.0', id: 1, method: 'tools/list' });
    assert.deepEqual(list.json.result, { tools: [] });
    assert.equal((await fetch(url, { headers: { authorization: `Bearer ${user}`, accept: 'text/event-stream' } })).status, 405);
    assert.equal((await fetch(url, { method: 'DELETE', headers: { authorization: `Bearer ${user}` } })).status, 405);
    const { client, transport } = await sdkClient(url, user);
    assert.deepEqual(await client.ping(), {});
    await client.close();
  });
});

describe('resumption', () => {
  const d = new Daemon();
  let admin, user, url;
  before(async () => {
    await d.start();
    admin = d.token('--sub', 'root', '--scope', 'admin');
    user = d.token('--sub', 'alice', '--scope', 'mcp');
    url = `${d.base}/mcp`;
  });
  after(() => d.cleanup());

  test('Last-Event-ID replays exactly the missed events of that stream, in order, then live ones', async () => {
    const s = await initialize(url, user);
    const first = await openSse(url, { headers: mcpHeaders(user, s.headers) });
    assert.equal((await first.next()).data, '', 'priming');
    await addTool(d, admin, 'r1');
    const seen = await first.next();
    assert.equal(JSON.parse(seen.data).method, 'notifications/tools/list_changed');
    first.close();
    await new Promise((r) => setTimeout(r, 100));
    await addTool(d, admin, 'r2');
    await addTool(d, admin, 'r3');
    const resumed = await openSse(url, { headers: mcpHeaders(user, { ...s.headers, 'last-event-id': seen.id }) });
    assert.equal(resumed.status, 200);
    const a = await resumed.next();
    const b = await resumed.next();
    const [sid, stream, seq] = seen.id.split('.');
    assert.deepEqual([a.id, b.id], [`${sid}.${stream}.${Number(seq) + 1}`, `${sid}.${stream}.${Number(seq) + 2}`]);
    for (const e of [a, b]) assert.equal(JSON.parse(e.data).method, 'notifications/tools/list_changed');
    await addTool(d, admin, 'r4');
    const live = await resumed.next();
    assert.equal(live.id, `${sid}.${stream}.${Number(seq) + 3}`);
    resumed.close();
  });

  test('an event id of another session, or one the store never gave, replays nothing (the latter says so)', async () => {
    const a = await initialize(url, user);
    const b = await initialize(url, user);
    const ga = await openSse(url, { headers: mcpHeaders(user, a.headers) });
    await ga.next();
    await addTool(d, admin, 'x1');
    const ev = await ga.next();
    ga.close();
    for (const lastId of [ev.id, `${b.sid}.0.999`, 'garbage']) {
      const gb = await openSse(url, { headers: mcpHeaders(user, { ...b.headers, 'last-event-id': lastId }) });
      assert.equal(gb.status, 200);
      let firstEvent = await gb.next();
      if (lastId.startsWith(b.sid)) {
        // Its own session's id that names nothing here: told so, without an id, before the rest.
        assert.equal(firstEvent.id, undefined);
        const notice = JSON.parse(firstEvent.data);
        assert.equal(notice.method, 'notifications/message');
        assert.equal(notice.params.level, 'warning');
        assert.equal(notice.params.data.lastEventId, lastId);
        firstEvent = await gb.next();
      }
      assert.equal(firstEvent.data, '', `a fresh stream (priming only) for ${lastId}`);
      await assert.rejects(gb.next({ timeoutMs: 400 }), /no SSE event/);
      gb.close();
    }
  });

  test('resuming a finished POST stream replays what is left, then 405 when nothing is', async () => {
    const s = await initialize(url, user);
    const sse = await openSse(url, { method: 'POST', headers: mcpHeaders(user, { ...s.headers, accept: 'text/event-stream' }), body: '{"jsonrpc":"2.0","id":"p","method":"ping"}' });
    const priming = await sse.next();
    const response = await sse.next();
    assert.equal(await sse.next(), null);
    const replay = await openSse(url, { headers: mcpHeaders(user, { ...s.headers, 'last-event-id': priming.id }) });
    const again = await replay.next();
    assert.equal(again.id, response.id);
    assert.deepEqual(JSON.parse(again.data), { jsonrpc: '2.0', id: 'p', result: {} });
    assert.equal(await replay.next(), null);
    const done = await fetch(url, { headers: mcpHeaders(user, { ...s.headers, 'last-event-id': response.id }) });
    assert.equal(done.status, 405);
  });

  test('a second GET replaces the first: each message goes to exactly one stream', async () => {
    const s = await initialize(url, user);
    const g1 = await openSse(url, { headers: mcpHeaders(user, s.headers) });
    await g1.next();
    const g2 = await openSse(url, { headers: mcpHeaders(user, s.headers) });
    await g2.next();
    assert.equal(await g1.next(), null, 'the older stream ends');
    await addTool(d, admin, 'only_once');
    assert.equal(JSON.parse((await g2.next()).data).method, 'notifications/tools/list_changed');
    g2.close();
  });
});

// A daemon with event_store: database, an admin and a user token, and a session of the user with
// its GET stream open past the priming event.
async function durableSession(t) {
  const d = new Daemon({ transport: { event_store: 'database' } });
  t.after(() => d.cleanup());
  await d.start();
  const admin = d.token('--sub', 'root', '--scope', 'admin');
  const user = d.token('--sub', 'alice', '--scope', 'mcp');
  const s = await initialize(`${d.base}/mcp`, user);
  const stream = await openSse(`${d.base}/mcp`, { headers: mcpHeaders(user, s.headers) });
  await stream.next(); // priming
  return { d, admin, user, s, stream };
}

describe('durable event store (event_store: database)', () => {
  test('a session and its missed events survive a daemon restart', async (t) => {
    const { d, admin, user, s, stream: first } = await durableSession(t);
    await addTool(d, admin, 'before_restart');
    const seen = await first.next();
    assert.equal(JSON.parse(seen.data).method, 'notifications/tools/list_changed');
    first.close();
    await new Promise((r) => setTimeout(r, 100));
    await addTool(d, admin, 'missed_1');
    await addTool(d, admin, 'missed_2');
    assert.deepEqual(await d.stop(), { code: 0, signal: null });

    await d.start();
    const [sid, stream, seq] = seen.id.split('.');
    const resumed = await openSse(`${d.base}/mcp`, { headers: mcpHeaders(user, { ...s.headers, 'last-event-id': seen.id }) });
    assert.equal(resumed.status, 200);
    const a = await resumed.next();
    const b = await resumed.next();
    assert.deepEqual([a.id, b.id], [`${sid}.${stream}.${Number(seq) + 1}`, `${sid}.${stream}.${Number(seq) + 2}`]);
    await addTool(d, admin, 'after_restart');
    const live = await resumed.next();
    assert.equal(live.id, `${sid}.${stream}.${Number(seq) + 3}`);
    resumed.close();
    // The restored session still answers requests, and only for its owner.
    const ping = await post(`${d.base}/mcp`, user, { jsonrpc: '2.0', id: 1, method: 'ping' }, s.headers);
    assert.equal(ping.text, '{"jsonrpc":"2.0","id":1,"result":{}}');
    const other = d.token('--sub', 'mallory', '--scope', 'mcp');
    assert.equal((await post(`${d.base}/mcp`, other, { jsonrpc: '2.0', id: 2, method: 'ping' }, s.headers)).status, 404);
    assert.match(d.log, /restored from the database/);
  });

  test('kill -9 loses nothing the client was sent: events are durable before they go out', async (t) => {
    const { d, admin, user, s, stream: g } = await durableSession(t);
    // Catalog changes as fast as they commit; the daemon dies the moment the client has 8.
    // (Each write may fail once the daemon is gone: caught at once, not left unhandled.)
    const writes = Array.from({ length: 24 }, (_, i) => addTool(d, admin, `k${i}`).catch(() => {}));
    const seen = [];
    while (seen.length < 8) seen.push(await g.next());
    await d.stop('SIGKILL');
    await Promise.allSettled(writes);
    g.close();
    const stored = new Map(d.sql(`SELECT seq, payload FROM events WHERE stream_id = '${s.sid}.0' ORDER BY seq`)
      .trim().split('\n').filter(Boolean).map((l) => [Number(l.slice(0, l.indexOf('|'))), l.slice(l.indexOf('|') + 1)]));
    for (const e of seen) assert.equal(stored.get(Number(e.id.split('.')[2])), e.data, `event ${e.id} was sent, so it is stored`);

    await d.start();
    const last = seen.at(-1).id;
    const after = Number(last.split('.')[2]);
    const resumed = await openSse(`${d.base}/mcp`, { headers: mcpHeaders(user, { ...s.headers, 'last-event-id': last }) });
    const rest = [...stored].filter(([seq]) => seq > after);
    for (const [seq, payload] of rest) {
      const e = await resumed.next();
      assert.equal(e.id, `${s.sid}.0.${seq}`);
      assert.equal(e.data, payload);
    }
    resumed.close();
  });

  test('a deleted session stays deleted across a restart', async (t) => {
    const d = new Daemon({ transport: { event_store: 'database' } });
    t.after(() => d.cleanup());
    await d.start();
    const user = d.token('--sub', 'alice', '--scope', 'mcp');
    const s = await initialize(`${d.base}/mcp`, user);
    assert.equal((await fetch(`${d.base}/mcp`, { method: 'DELETE', headers: { authorization: `Bearer ${user}`, ...s.headers } })).status, 204);
    await d.stop();
    await d.start();
    assert.equal((await post(`${d.base}/mcp`, user, { jsonrpc: '2.0', id: 1, method: 'ping' }, s.headers)).status, 404);
  });
});
