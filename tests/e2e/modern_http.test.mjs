// Issue 11: the modern era (2026-07-28) on the MCP endpoints, by raw HTTP: every status and code
// rule of the revision's streamable HTTP binding (the envelope, the mirrored headers, removed
// methods, GET/DELETE), the modern result (resultType, cache hints, serverInfo), calls relayed to
// legacy upstreams (server-everything and the fidelity upstream) in one upstream session kept per
// principal, log messages only at the asked level, and cancellation by closing the stream.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Daemon } from './lib/daemon.mjs';
import { startEverything } from './lib/everything.mjs';
import { startFidelityUpstream } from './lib/fidelity_upstream.mjs';
import { openSse, initialize, post as legacyPost } from './lib/mcp.mjs';

const MODERN = '2026-07-28';
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const envelope = (extra = {}) => ({
  'io.modelcontextprotocol/protocolVersion': MODERN,
  'io.modelcontextprotocol/clientCapabilities': {},
  'io.modelcontextprotocol/clientInfo': { name: 'modern-e2e', version: '1' },
  ...extra,
});
const body = (id, method, params = {}, meta = envelope()) =>
  ({ jsonrpc: '2.0', id, method, params: { ...params, _meta: meta } });

describe('the modern era by raw HTTP', () => {
  const d = new Daemon({ federation: { discovery_timeout: '5s' }, transport: { cache_ttl: '2s', input_ttl: '3s' } });
  let everything, fidelity, admin, user, other, url;

  // A modern POST: the headers a conforming client sends, unless overridden (null drops one).
  const send = async (b, headers = {}, { target = url, token = user } = {}) => {
    const h = {
      authorization: `Bearer ${token}`,
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      'mcp-protocol-version': MODERN,
      'mcp-method': b.method,
    };
    const name = b.params?.name ?? b.params?.uri;
    if (name !== undefined && ['tools/call', 'prompts/get', 'resources/read'].includes(b.method)) h['mcp-name'] = name;
    for (const [k, v] of Object.entries(headers)) {
      if (v === null) delete h[k]; else h[k] = v;
    }
    const res = await fetch(target, { method: 'POST', headers: h, body: typeof b === 'string' ? b : JSON.stringify(b) });
    const text = await res.text();
    let json;
    if (res.headers.get('content-type')?.startsWith('text/event-stream')) {
      const datas = text.split('\n').filter((l) => l.startsWith('data: ')).map((l) => JSON.parse(l.slice(6)));
      json = datas.at(-1);
      return { status: res.status, headers: res.headers, text, json, events: datas };
    }
    try { json = JSON.parse(text); } catch { json = undefined; }
    return { status: res.status, headers: res.headers, text, json };
  };
  const api = async (method, path, b) => {
    const res = await fetch(`${d.base}${path}`, {
      method, headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
      body: b ? JSON.stringify(b) : undefined,
    });
    return { status: res.status, body: await res.json().catch(() => null) };
  };
  const expectError = (r, status, code, id) => {
    assert.equal(r.status, status, r.text);
    assert.equal(r.json?.error?.code, code, r.text);
    assert.deepEqual(r.json.id, id, r.text);
  };

  before(async () => {
    everything = await startEverything();
    fidelity = await startFidelityUpstream();
    await d.start();
    admin = d.token('--sub', 'root', '--scope', 'admin');
    user = d.token('--sub', 'alice', '--scope', 'mcp');
    other = d.token('--sub', 'bob', '--scope', 'mcp');
    url = `${d.base}/mcp`;
    for (const [name, u] of [['Everything', everything.url], ['Fid', fidelity.url]]) {
      const r = await api('POST', '/v1/gateways', { name, url: u });
      assert.equal(r.status, 201, JSON.stringify(r.body));
    }
  });
  after(async () => {
    await everything?.stop();
    await fidelity?.stop();
    await d.cleanup();
  });

  test('server/discover: every revision, the capabilities, serverInfo, cache hints, no session', async () => {
    const r = await send(body('server-discover-probe-1', 'server/discover'), { accept: 'application/json' });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.headers.get('mcp-session-id'), null);
    assert.equal(r.json.id, 'server-discover-probe-1');
    const res = r.json.result;
    assert.deepEqual(res.supportedVersions, [MODERN, '2025-11-25', '2025-06-18', '2025-03-26']);
    for (const c of ['tools', 'resources', 'prompts', 'completions', 'logging']) assert.ok(res.capabilities[c], c);
    assert.equal(res.resultType, 'complete');
    assert.equal(res.ttlMs, 2000);
    assert.equal(res.cacheScope, 'private');
    assert.equal(res._meta['io.modelcontextprotocol/serverInfo'].name, 'mcpgw');
  });

  test('lists carry resultType, ttlMs and cacheScope; order is the same each time', async () => {
    for (const [method, field] of [['tools/list', 'tools'], ['prompts/list', 'prompts'],
      ['resources/list', 'resources'], ['resources/templates/list', 'resourceTemplates']]) {
      const a = await send(body(1, method));
      assert.equal(a.status, 200, a.text);
      const res = a.json.result;
      assert.equal(res.resultType, 'complete', method);
      assert.equal(res.ttlMs, 2000, method);
      assert.equal(res.cacheScope, 'private', method);
      assert.ok(res[field].length > 0, `${method}: ${a.text}`);
      const b = await send(body(2, method));
      assert.deepEqual(b.json.result[field].map((x) => x.name), res[field].map((x) => x.name));
    }
  });

  test('the envelope: missing or malformed → 400 -32602, the id echoed', async () => {
    expectError(await send({ jsonrpc: '2.0', id: 'a', method: 'tools/list', params: {} }), 400, -32602, 'a');
    expectError(await send(body(7, 'tools/list', {}, { 'io.modelcontextprotocol/protocolVersion': MODERN })), 400, -32602, 7);
    expectError(await send(body(8, 'tools/list', {}, envelope({ 'io.modelcontextprotocol/clientCapabilities': [] }))), 400, -32602, 8);
    expectError(await send(body(9, 'tools/list', {}, envelope({ 'io.modelcontextprotocol/clientInfo': 'x' }))), 400, -32602, 9);
    expectError(await send(body(10, 'tools/list', {}, envelope({ 'io.modelcontextprotocol/logLevel': 'loud' }))), 400, -32602, 10);
  });

  test('MCP-Protocol-Version missing or unlike _meta → 400 -32020; unsupported → 400 -32022', async () => {
    expectError(await send(body(1, 'tools/list'), { 'mcp-protocol-version': null }), 400, -32020, 1);
    expectError(await send(body(2, 'tools/list'), { 'mcp-protocol-version': '2025-11-25' }), 400, -32020, 2);
    const v = '2027-01-01';
    const r = await send(body(3, 'tools/list', {}, envelope({ 'io.modelcontextprotocol/protocolVersion': v })), { 'mcp-protocol-version': v });
    expectError(r, 400, -32022, 3);
    assert.deepEqual(r.json.error.data, { supported: [MODERN, '2025-11-25', '2025-06-18', '2025-03-26'], requested: v });
    // A modern-era version in the header alone is answered by the modern rules too.
    expectError(await send({ jsonrpc: '2.0', id: 4, method: 'tools/list' }, { 'mcp-protocol-version': v }), 400, -32602, 4);
  });

  test('Mcp-Method and Mcp-Name: required, equal to the body, names case-insensitive, values trimmed, base64 decoded', async () => {
    expectError(await send(body(1, 'tools/list'), { 'mcp-method': null }), 400, -32020, 1);
    expectError(await send(body(2, 'tools/list'), { 'mcp-method': 'prompts/list' }), 400, -32020, 2);
    expectError(await send(body(3, 'tools/list'), { 'mcp-method': 'Tools/List' }), 400, -32020, 3);
    assert.equal((await send(body(4, 'tools/list'), { 'mcp-method': null, 'MCP-METHOD': '  tools/list\t' })).status, 200);
    const call = body(5, 'prompts/get', { name: 'fid__greet', arguments: { who: 'x' } });
    expectError(await send(call, { 'mcp-name': null }), 400, -32020, 5);
    expectError(await send(call, { 'mcp-name': 'fid__other' }), 400, -32020, 5);
    expectError(await send(call, { 'mcp-name': '=?base64?!!?=' }), 400, -32020, 5);
    const b64 = `=?base64?${Buffer.from('fid__greet').toString('base64')}?=`;
    const ok = await send(call, { 'mcp-name': b64 });
    assert.equal(ok.status, 200, ok.text);
    assert.equal(ok.json.result.messages[0].content.text, 'Hello x');
    assert.equal(ok.json.result.resultType, 'complete');
    // resources/read mirrors the URI.
    expectError(await send(body(6, 'resources/read', { uri: 'fid+fid://counter' }), { 'mcp-name': 'fid+fid://other' }), 400, -32020, 6);
  });

  test('removed and unknown methods → 404 -32601; GET and DELETE → 405', async () => {
    for (const m of ['initialize', 'ping', 'logging/setLevel', 'resources/subscribe', 'resources/unsubscribe', 'no/such']) {
      const r = await send(body(`r-${m}`, m, m.startsWith('resources/') ? { uri: 'x' } : m === 'logging/setLevel' ? { level: 'info' } : {}));
      expectError(r, 404, -32601, `r-${m}`);
    }
    for (const method of ['GET', 'DELETE']) {
      const res = await fetch(url, { method, headers: { authorization: `Bearer ${user}`, accept: 'text/event-stream', 'mcp-protocol-version': MODERN } });
      assert.equal(res.status, 405, method);
      assert.equal(res.headers.get('allow'), 'POST');
      await res.text();
    }
  });

  test('batches 400 -32600, notifications 202, Mcp-Session-Id and Last-Event-ID ignored', async () => {
    const batch = JSON.stringify([body(1, 'tools/list'), body(2, 'tools/list')]);
    const b = await send(batch, { 'mcp-method': 'tools/list' });
    assert.equal(b.status, 400);
    assert.equal(b.json.error.code, -32600);
    const n = await send({ jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: 'listen:0', _meta: envelope() } });
    assert.equal(n.status, 202);
    const r = await send(body(3, 'tools/list'), { 'mcp-session-id': 'deadbeef'.repeat(4), 'last-event-id': 'x' });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.headers.get('mcp-session-id'), null);
  });

  test('resources/read of an unknown URI → -32602 with the URI in data', async () => {
    const r = await send(body(1, 'resources/read', { uri: 'nope+x://y' }));
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.error.code, -32602);
    assert.equal(r.json.error.data.uri, 'nope+x://y');
    const ok = await send(body(2, 'resources/read', { uri: 'fid+fid://counter' }));
    assert.equal(ok.json.result.contents[0].uri, 'fid+fid://counter');
    assert.equal(ok.json.result.cacheScope, 'private');
    assert.equal(ok.json.result.ttlMs, 2000);
  });

  test('calls relayed to legacy upstreams, in one upstream session per principal and endpoint', async () => {
    const carol = d.token('--sub', 'carol', '--scope', 'mcp');  // no call made for carol yet
    const before = fidelity.state.sessions.size;
    for (let i = 0; i < 3; i++) {
      const r = await send(body(i, 'tools/call', { name: 'fid__all_content', arguments: {} }), {}, { token: carol });
      assert.equal(r.status, 200, r.text);
      assert.equal(r.json.result.resultType, 'complete');
      assert.equal(r.json.result.content[0].type, 'text');
      assert.ok(r.json.result._meta['io.modelcontextprotocol/serverInfo']);
      assert.equal(r.json.result.ttlMs, undefined);
    }
    assert.equal(fidelity.state.sessions.size, before + 1);
    await send(body(9, 'tools/call', { name: 'fid__all_content', arguments: {} }), {}, { token: other });
    assert.equal(fidelity.state.sessions.size, before + 2);
    const echo = await send(body(10, 'tools/call', { name: 'everything__echo', arguments: { message: 'hi' } }));
    assert.equal(echo.status, 200, echo.text);
    assert.match(echo.json.result.content[0].text, /hi/);
  });

  test('log messages only at the level the envelope asks for, on the request stream', async () => {
    const call = (id, meta) => send(body(id, 'tools/call', { name: 'fid__work', arguments: { tag: 'l', steps: 2, delayMs: 10 } }, meta),
      { accept: 'text/event-stream' });
    const quiet = await call(1, envelope());
    assert.equal(quiet.status, 200, quiet.text);
    assert.equal(quiet.events.filter((e) => e.method === 'notifications/message').length, 0, quiet.text);
    assert.equal(quiet.json.result.content[0].text, 'done l');
    const info = await call(2, envelope({ 'io.modelcontextprotocol/logLevel': 'info' }));
    assert.equal(info.events.filter((e) => e.method === 'notifications/message').length, 2, info.text);
    const error = await call(3, envelope({ 'io.modelcontextprotocol/logLevel': 'error' }));
    assert.equal(error.events.filter((e) => e.method === 'notifications/message').length, 0, error.text);
    for (const e of info.events) assert.equal(e.id === undefined || e.id === 2, true);
    assert.doesNotMatch(info.text, /^id: /m);  // events carry no ids: nothing to resume
  });

  test('closing the response stream cancels the request upstream', async () => {
    const b = body('c1', 'tools/call', { name: 'fid__work', arguments: { tag: 'c', steps: 50, delayMs: 100 } },
      envelope({ progressToken: 'p1' }));
    const sse = await openSse(url, {
      method: 'POST',
      headers: { authorization: `Bearer ${user}`, 'content-type': 'application/json', accept: 'text/event-stream',
        'mcp-protocol-version': MODERN, 'mcp-method': 'tools/call', 'mcp-name': 'fid__work' },
      body: JSON.stringify(b),
    });
    assert.equal(sse.status, 200);
    const first = await sse.next({ timeoutMs: 5000 });
    assert.equal(JSON.parse(first.data).method, 'notifications/progress');
    sse.close();
    const deadline = Date.now() + 10000;
    while (!/cancelled by the client; cancel relayed to upstream Fid/.test(d.log)) {
      if (Date.now() > deadline) assert.fail(`no cancellation in the log:\n${d.log}`);
      await sleep(100);
    }
  });

  test('subscriptions/listen: the acknowledgement first, then only the granted types, tagged', async () => {
    const listenHeaders = { authorization: `Bearer ${user}`, 'content-type': 'application/json',
      accept: 'application/json, text/event-stream', 'mcp-protocol-version': MODERN, 'mcp-method': 'subscriptions/listen' };
    const listen = await openSse(url, { method: 'POST', headers: listenHeaders,
      body: JSON.stringify(body('listen:0', 'subscriptions/listen', { notifications: { toolsListChanged: true, resourceSubscriptions: ['fid+fid://counter'] } })) });
    assert.equal(listen.status, 200);
    assert.equal(listen.headers.get('mcp-session-id'), null);
    const ack = JSON.parse((await listen.next()).data);
    assert.equal(ack.method, 'notifications/subscriptions/acknowledged');
    // The resource is subscribed upstream (mcp/resource_watch.h): granted.
    assert.deepEqual(ack.params.notifications, { toolsListChanged: true, resourceSubscriptions: ['fid+fid://counter'] });
    assert.equal(ack.params._meta['io.modelcontextprotocol/subscriptionId'], 'listen:0');
    // A prompt change is not asked for; a tool change is.
    const prompts = await api('GET', '/v1/prompts?limit=500');
    const fidPrompt = prompts.body.items.find((p) => p.name === 'fid__greet');
    assert.equal((await api('PATCH', `/v1/prompts/${fidPrompt.id}`, { enabled: false })).status, 200);
    const t = await api('POST', '/v1/tools', { name: 'listened', integration_type: 'REST', url: 'http://127.0.0.1:9/x', input_schema: { type: 'object' } });
    assert.equal(t.status, 201, JSON.stringify(t.body));
    const changed = JSON.parse((await listen.next({ timeoutMs: 5000 })).data);
    assert.equal(changed.method, 'notifications/tools/list_changed');
    assert.equal(changed.params._meta['io.modelcontextprotocol/subscriptionId'], 'listen:0');
    await assert.rejects(listen.next({ timeoutMs: 500 }), /no SSE event in time/);
    listen.close();
    await api('PATCH', `/v1/prompts/${fidPrompt.id}`, { enabled: true });
    // A listen stream is an SSE stream or nothing: JSON only is refused.
    const json = await send(body('l2', 'subscriptions/listen', { notifications: { toolsListChanged: true } }), { accept: 'application/json' });
    assert.equal(json.json.error.code, -32600, json.text);
    const bad = await send(body('l3', 'subscriptions/listen', {}), { accept: 'text/event-stream' });
    assert.equal(bad.json.error.code, -32602, bad.text);
    const many = Array.from({ length: 101 }, (_, i) => `fid+fid://items/${i}`);
    const tooMany = await send(body('l4', 'subscriptions/listen', { notifications: { resourceSubscriptions: many } }), { accept: 'text/event-stream' });
    assert.equal(tooMany.json.error.code, -32602, tooMany.text);
    assert.match(tooMany.json.error.message, /at most 100 URIs/);
  });

  const withCaps = (caps) => envelope({ 'io.modelcontextprotocol/clientCapabilities': caps });
  const retry = (id, name, first, responses, meta) => body(id, 'tools/call',
    { name, arguments: {}, inputResponses: responses, requestState: first.requestState }, meta);

  test('an upstream elicitation becomes input_required; the retry answers it and gets the result', async () => {
    const caps = withCaps({ elicitation: {} });
    const first = await send(body('e1', 'tools/call', { name: 'fid__elicit', arguments: {} }, caps));
    assert.equal(first.status, 200, first.text);
    const r = first.json.result;
    assert.equal(r.resultType, 'input_required', first.text);
    assert.equal(r.ttlMs, undefined);
    const entries = Object.entries(r.inputRequests);
    assert.equal(entries.length, 1);
    const [key, req] = entries[0];
    assert.equal(req.method, 'elicitation/create');
    assert.equal(req.params.message, 'Pick a color');
    assert.equal(typeof r.requestState, 'string');
    const answer = { [key]: { action: 'accept', content: { color: 'red', count: 2, sure: true } } };
    // Tampered, another principal's, another tool's: refused, the call still waits.
    const flipped = r.requestState.slice(0, 10) + (r.requestState[10] === 'A' ? 'B' : 'A') + r.requestState.slice(11);
    const tampered = await send(retry('e2', 'fid__elicit', { requestState: flipped }, answer, caps));
    assert.equal(tampered.json.error.code, -32602, tampered.text);
    assert.match(tampered.json.error.message, /not one mcpgw issued/);
    const foreign = await send(retry('e3', 'fid__elicit', r, answer, caps), {}, { token: other });
    assert.match(foreign.json.error.message, /another principal/, foreign.text);
    const elsewhere = await send(retry('e4', 'fid__work', r, answer, caps));
    assert.match(elsewhere.json.error.message, /another request/, elsewhere.text);
    // The real retry (a new id) finishes the call.
    const done = await send(retry('e5', 'fid__elicit', r, answer, caps));
    assert.equal(done.status, 200, done.text);
    assert.equal(done.json.id, 'e5');
    assert.equal(done.json.result.resultType, 'complete', done.text);
    assert.deepEqual(JSON.parse(done.json.result.content[0].text), answer[key]);
    assert.deepEqual(fidelity.state.elicitResults.at(-1), answer[key]);
    const spent = await send(retry('e6', 'fid__elicit', r, answer, caps));
    assert.match(spent.json.error.message, /is over/, spent.text);
  });

  test('several rounds: elicitation, then sampling; and roots', async () => {
    const caps = withCaps({ elicitation: {}, sampling: {}, roots: {} });
    const one = (await send(body('t1', 'tools/call', { name: 'fid__ask_twice', arguments: {} }, caps))).json.result;
    const [k1, q1] = Object.entries(one.inputRequests)[0];
    assert.equal(q1.method, 'elicitation/create');
    const two = (await send(retry('t2', 'fid__ask_twice', one, { [k1]: { action: 'accept', content: { name: 'Ada' } } }, caps))).json.result;
    assert.equal(two.resultType, 'input_required', JSON.stringify(two));
    const [k2, q2] = Object.entries(two.inputRequests)[0];
    assert.equal(q2.method, 'sampling/createMessage');
    assert.equal(q2.params.messages[0].content.text, 'greet Ada');
    // An answer that leaves the request out is asked again.
    const again = (await send(retry('t3', 'fid__ask_twice', two, { nope: {} }, caps))).json.result;
    assert.deepEqual(Object.keys(again.inputRequests), [k2]);
    const done = (await send(retry('t4', 'fid__ask_twice', again,
      { [k2]: { role: 'assistant', content: { type: 'text', text: 'hello Ada' }, model: 'm1' } }, caps))).json.result;
    assert.equal(done.resultType, 'complete');
    assert.equal(done.content[0].text, 'Ada: hello Ada');

    const roots = (await send(body('r1', 'tools/call', { name: 'fid__roots_in_call', arguments: {} }, caps))).json.result;
    const [rk, rq] = Object.entries(roots.inputRequests)[0];
    assert.equal(rq.method, 'roots/list');
    const listed = (await send(retry('r2', 'fid__roots_in_call', roots, { [rk]: { roots: [{ uri: 'file:///w', name: 'w' }] } }, caps))).json.result;
    assert.deepEqual(JSON.parse(listed.content[0].text), [{ uri: 'file:///w', name: 'w' }]);
  });

  test('without the capability: a clear error, never a hang; an expired state is refused', async () => {
    const none = await send(body('n1', 'tools/call', { name: 'fid__elicit', arguments: {} }));
    assert.equal(none.status, 200, none.text);
    const text = JSON.stringify(none.json);
    assert.ok(none.json.error || none.json.result.isError, text);
    assert.match(text, /does not support elicitation|elicitation/i);
    const caps = withCaps({ sampling: {} });
    const first = (await send(body('x1', 'tools/call', { name: 'fid__sample', arguments: {} }, caps))).json.result;
    assert.equal(first.resultType, 'input_required');
    await sleep(3500);  // transport.input_ttl is 3s here
    const [key] = Object.keys(first.inputRequests);
    const late = await send(retry('x2', 'fid__sample', first, { [key]: { role: 'assistant', content: { type: 'text', text: 'x' }, model: 'm' } }, caps));
    assert.match(late.json.error.message, /expired/, late.text);
  });

  test('a legacy session on the same endpoint is untouched', async () => {
    const s = await initialize(url, user);
    const r = await legacyPost(url, user, { jsonrpc: '2.0', id: 1, method: 'ping' }, s.headers);
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.json.result, {});
    const list = await legacyPost(url, user, { jsonrpc: '2.0', id: 2, method: 'tools/list' }, s.headers);
    assert.equal(list.json.result.resultType, undefined);
    assert.equal(list.json.result.ttlMs, undefined);
  });
});
