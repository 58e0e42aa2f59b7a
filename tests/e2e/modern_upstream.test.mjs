// Issue 11: upstreams of the modern era (2026-07-28) behind mcpgw, built with the official
// TypeScript SDK v2 server (lib/modern_upstream.mjs): a modern-only one and a dual-era one. The
// era is found by a server/discover probe and shown by the admin API; calls go statelessly with
// the envelope and the Mcp-* headers; and the bridge turns the upstream's input_required into
// server-to-client requests for a legacy client (1.32 SDK) and into mcpgw's own input_required
// for a modern one (v2 SDK client). Resource subscriptions of a legacy client are served from a
// subscriptions/listen stream mcpgw holds upstream.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import {
  CreateMessageRequestSchema, ElicitRequestSchema, ListRootsRequestSchema,
  LoggingMessageNotificationSchema, ResourceUpdatedNotificationSchema,
} from '@modelcontextprotocol/sdk/types.js';
import * as v2 from '@modelcontextprotocol/client';
import { Daemon } from './lib/daemon.mjs';
import { startModernUpstream } from './lib/modern_upstream.mjs';
import { startFidelityUpstream } from './lib/fidelity_upstream.mjs';

const MODERN = '2026-07-28';
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
async function until(cond, what, ms = 5000) {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) assert.fail(`timed out waiting for ${what}`);
    await sleep(25);
  }
}

describe('modern upstreams and the bridge between the eras', () => {
  // keepalive 1s: a stream the client closed is noticed at the next keepalive (the listen test).
  const d = new Daemon({ federation: { discovery_timeout: '5s', health_interval: '1s' }, transport: { keepalive: '1s' } });
  let modern, dual, fidelity, admin, user;
  const clients = [];

  const api = async (method, path, b) => {
    const res = await fetch(`${d.base}${path}`, {
      method, headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
      body: b ? JSON.stringify(b) : undefined,
    });
    return { status: res.status, body: await res.json().catch(() => null) };
  };
  const legacyClient = async ({ capabilities = {}, handlers = {} } = {}) => {
    const transport = new StreamableHTTPClientTransport(new URL(`${d.base}/mcp`),
      { requestInit: { headers: { authorization: `Bearer ${user}` } } });
    const client = new Client({ name: 'legacy-e2e', version: '1.32' }, { capabilities });
    if (handlers.elicit) client.setRequestHandler(ElicitRequestSchema, handlers.elicit);
    if (handlers.sampling) client.setRequestHandler(CreateMessageRequestSchema, handlers.sampling);
    if (handlers.roots) client.setRequestHandler(ListRootsRequestSchema, handlers.roots);
    await client.connect(transport);
    clients.push(client);
    return client;
  };
  const modernClient = async (capabilities, mode = { pin: MODERN }) => {
    const transport = new v2.StreamableHTTPClientTransport(new URL(`${d.base}/mcp`),
      { requestInit: { headers: { authorization: `Bearer ${user}` } } });
    const client = new v2.Client({ name: 'v2-e2e', version: '2' },
      { versionNegotiation: { mode }, ...(capabilities ? { capabilities } : {}) });
    await client.connect(transport);
    clients.push(client);
    return client;
  };
  const toolCalls = (up, name) => up.state.requests.filter((r) => r.rpcMethod === 'tools/call' && r.name === name);
  const answers = {
    elicit: async () => ({ action: 'accept', content: { answer: 'forty-two' } }),
    sampling: async (req) => ({ role: 'assistant', model: 'm', content: { type: 'text', text: `re: ${req.params.messages[0].content.text}` } }),
    roots: async () => ({ roots: [{ uri: 'file:///a', name: 'a' }, { uri: 'file:///b', name: 'b' }] }),
  };

  before(async () => {
    modern = await startModernUpstream({ name: 'm-reject', legacy: 'reject' });
    dual = await startModernUpstream({ name: 'm-serve', legacy: 'serve' });
    fidelity = await startFidelityUpstream();
    await d.start();
    admin = d.token('--sub', 'root', '--scope', 'admin');
    user = d.token('--sub', 'alice', '--scope', 'mcp');
    for (const [name, u] of [['Modern', modern.url], ['Dual', dual.url], ['Fid', fidelity.url]]) {
      const r = await api('POST', '/v1/gateways', { name, url: u });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      assert.equal(r.body.discovery.ok, true, JSON.stringify(r.body.discovery));
    }
  });
  after(async () => {
    for (const c of clients) await c.close().catch(() => {});
    await modern?.stop();
    await dual?.stop();
    await fidelity?.stop();
    await d.cleanup();
  });

  test('the era is found by server/discover, stored and shown; a modern upstream never sees initialize', async () => {
    const gws = (await api('GET', '/v1/gateways')).body.items;
    const by = Object.fromEntries(gws.map((g) => [g.name, g]));
    assert.equal(by.Modern.era, 'modern');
    assert.equal(by.Modern.protocol_version, MODERN);
    assert.equal(by.Dual.era, 'modern');  // a dual-era server is spoken to in the newer era
    assert.equal(by.Fid.era, 'legacy');
    assert.equal(by.Fid.protocol_version, '2025-11-25');
    assert.equal(by.Modern.server_info.name, 'm-reject');
    assert.equal(by.Modern.tool_count, 9, JSON.stringify(by.Modern));
    const seen = modern.state.requests;
    assert.equal(seen[0].rpcMethod, 'server/discover');
    assert.ok(!seen.some((r) => r.rpcMethod === 'initialize'), 'no initialize');
    assert.ok(seen.some((r) => r.rpcMethod === 'tools/list'));
    for (const r of seen.filter((x) => x.method === 'POST')) {
      assert.equal(r.protocolVersion, MODERN);
      assert.equal(r.mcpMethod, r.rpcMethod);
      assert.equal(r.sessionId, undefined);
      assert.equal(r.era, 'modern');
    }
    // Nothing was refused upstream (a refused request would be a 4xx there).
    assert.deepEqual(seen.filter((r) => r.status >= 400 && r.status !== 499).map((r) => [r.rpcMethod, r.status]), []);
  });

  test('each discovery of a modern upstream settles its era anew (a probe, never initialize)', async () => {
    const id = (await api('GET', '/v1/gateways')).body.items.find((g) => g.name === 'Modern').id;
    const probes = () => modern.state.requests.filter((r) => r.rpcMethod === 'server/discover' && r.id === 0).length;
    const before = probes();
    const r = await api('POST', `/v1/gateways/${id}/refresh`);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(probes(), before + 1);
    assert.ok(!modern.state.requests.some((x) => x.rpcMethod === 'initialize'));
    // Health checks are server/discover too (ping is gone in the modern era).
    assert.ok(!modern.state.requests.some((x) => x.rpcMethod === 'ping'));
  });

  test('legacy client → modern upstream: calls carry the envelope, Mcp-Name (the upstream\'s own name) and Mcp-Param-*', async () => {
    const c = await legacyClient();
    const echo = await c.callTool({ name: 'modern__echo', arguments: { text: 'hi' } });
    assert.equal(echo.content[0].text, 'echo: hi');
    const [call] = toolCalls(modern, 'echo').slice(-1);
    assert.equal(call.mcpName, 'echo');
    assert.equal(call.meta['io.modelcontextprotocol/protocolVersion'], MODERN);
    assert.equal(call.meta['io.modelcontextprotocol/clientInfo'].name, 'legacy-e2e');
    assert.deepEqual(call.meta['io.modelcontextprotocol/clientCapabilities'], {});
    // The upstream checks x-mcp-header parameters itself (a missing header is its 400 -32020).
    const reg = await c.callTool({ name: 'modern__regional', arguments: { region: 'eu-north1', query: 'q' } });
    assert.equal(reg.content[0].text, 'region=eu-north1 query=q header=eu-north1');
    assert.equal(toolCalls(modern, 'regional').slice(-1)[0].paramHeaders['mcp-param-region'], 'eu-north1');
    const dualEcho = await c.callTool({ name: 'dual__echo', arguments: { text: 'both' } });
    assert.equal(dualEcho.content[0].text, 'echo: both');
    assert.equal(toolCalls(dual, 'echo').slice(-1)[0].era, 'modern');
  });

  test('legacy client → modern upstream: resources, templates, prompts, and a missing resource', async () => {
    const c = await legacyClient();
    const read = await c.readResource({ uri: 'modern+modern://static/hello' });
    assert.equal(read.contents[0].text, 'hello from modern');
    assert.equal(read.contents[0].uri, 'modern+modern://static/hello');
    assert.equal(modern.state.requests.slice(-1)[0].mcpName, 'modern://static/hello');
    const item = await c.readResource({ uri: 'modern+modern://item/7' });
    assert.equal(item.contents[0].text, 'item 7');
    const p = await c.getPrompt({ name: 'modern__greet', arguments: { who: 'Ada' } });
    assert.equal(p.messages[0].content.text, 'Hello, Ada!');
    await assert.rejects(c.readResource({ uri: 'modern+modern://nope' }), /not found/i);
  });

  test('legacy client → modern upstream: input_required becomes requests on the client\'s stream, every round', async () => {
    const seen = [];
    const c = await legacyClient({
      capabilities: { elicitation: {}, sampling: {}, roots: {} },
      handlers: {
        elicit: async (req) => { seen.push('elicit'); return answers.elicit(req); },
        sampling: async (req) => { seen.push('sampling'); return answers.sampling(req); },
        roots: async (req) => { seen.push('roots'); return answers.roots(req); },
      },
    });
    assert.equal((await c.callTool({ name: 'modern__ask_user', arguments: {} })).content[0].text, 'user said: forty-two');
    assert.equal((await c.callTool({ name: 'modern__ask_model', arguments: {} })).content[0].text, 'model said: re: say something');
    assert.equal((await c.callTool({ name: 'modern__ask_roots', arguments: {} })).content[0].text, 'roots: file:///a,file:///b');
    const twice = await c.callTool({ name: 'modern__ask_twice', arguments: {} });
    assert.equal(twice.content[0].text, 'user said: forty-two; model said: re: the user said forty-two');
    assert.deepEqual(seen, ['elicit', 'sampling', 'roots', 'elicit', 'sampling']);
    // Upstream: three requests for ask_twice, the retries with the answers and its own state.
    const rounds = toolCalls(modern, 'ask_twice');
    assert.equal(rounds.length, 3);
    assert.equal(rounds[0].hasRequestState, false);
    assert.deepEqual(rounds[1].inputResponses.answer, { action: 'accept', content: { answer: 'forty-two' } });
    assert.equal(rounds[1].requestState, 'eyJzdGVwIjoxfQ');  // {"step":1}, as the upstream gave it
    assert.ok(rounds[2].inputResponses.model);
    assert.equal(new Set(rounds.map((r) => JSON.stringify(r.id))).size, 3, 'each retry is a new request');
    // The capabilities the client declared are declared upstream on its behalf.
    assert.deepEqual(Object.keys(rounds[0].meta['io.modelcontextprotocol/clientCapabilities']).sort(), ['elicitation', 'roots', 'sampling']);
  });

  test('legacy client without the capability: a clear error, never a hang', async () => {
    // mcpgw declares upstream only what the client declared, so the upstream itself refuses to
    // ask (its -32021 reaches the client as it gave it).
    const c = await legacyClient();
    await assert.rejects(c.callTool({ name: 'modern__ask_user', arguments: {} }),
      (e) => e.code === -32021 && /capabilit/.test(e.message));
    // A client that declared sampling only, asked for elicitation by a tool that needs both:
    // the upstream is asked for what it may ask, and the rest is refused the same way.
    const s = await legacyClient({ capabilities: { sampling: {} }, handlers: { sampling: answers.sampling } });
    assert.equal((await s.callTool({ name: 'modern__ask_model', arguments: {} })).content[0].text, 'model said: re: say something');
    await assert.rejects(s.callTool({ name: 'modern__ask_user', arguments: {} }), (e) => e.code === -32021);
  });

  test('legacy client → modern upstream: progress on the call, log messages at the session\'s level', async () => {
    const c = await legacyClient();
    const logs = [];
    c.setNotificationHandler(LoggingMessageNotificationSchema, (n) => logs.push(n.params));
    await c.setLoggingLevel('info');
    const progress = [];
    const r = await c.callTool({ name: 'modern__work', arguments: { steps: 3 } }, undefined,
      { onprogress: (p) => progress.push(p.progress) });
    assert.equal(r.content[0].text, 'done');
    assert.deepEqual(progress, [1, 2, 3]);
    await until(() => logs.length === 3, 'three log messages');
    assert.equal(toolCalls(modern, 'work').slice(-1)[0].meta['io.modelcontextprotocol/logLevel'], 'info');
    // No logging/setLevel went upstream: the modern era has none.
    assert.ok(!modern.state.requests.some((x) => x.rpcMethod === 'logging/setLevel'));
  });

  test('legacy client: cancelling a call closes its modern upstream request', async () => {
    const c = await legacyClient();
    const before = modern.state.aborted;
    const ac = new AbortController();
    const call = c.callTool({ name: 'modern__slow', arguments: { ms: 20000 } }, undefined, { signal: ac.signal });
    await until(() => toolCalls(modern, 'slow').length > 0, 'the call upstream');
    ac.abort();
    await assert.rejects(call);
    await until(() => modern.state.aborted === before + 1, 'the upstream request aborted');
  });

  test('legacy client: resources/subscribe in front of a modern upstream is served from subscriptions/listen', async () => {
    const c = await legacyClient();
    const updates = [];
    c.setNotificationHandler(ResourceUpdatedNotificationSchema, (n) => updates.push(n.params));
    await c.subscribeResource({ uri: 'modern+modern://static/hello' });
    // mcpgw opens a listen stream upstream naming the upstream's URI.
    await until(() => modern.state.requests.some((r) => r.rpcMethod === 'subscriptions/listen' &&
      r.params?.notifications?.resourceSubscriptions?.includes('modern://static/hello')), 'the listen stream upstream');
    await sleep(100);  // the stream's acknowledgement has been read: the subscription is live
    modern.handler.notify.resourceUpdated('modern://static/hello');
    await until(() => updates.length === 1, 'the update');
    assert.deepEqual(updates[0], { uri: 'modern+modern://static/hello' });
    await c.unsubscribeResource({ uri: 'modern+modern://static/hello' });
    assert.ok(!modern.state.requests.some((r) => r.rpcMethod === 'resources/subscribe'), 'the removed method never went upstream');
  });

  for (const mode of [{ pin: MODERN }, 'auto']) test(`modern client (${JSON.stringify(mode)}) → modern upstreams: calls, Mcp-Param-* checked by mcpgw and sent on, input rounds`, async () => {
    const c = await modernClient({ elicitation: {}, sampling: {}, roots: {} }, mode);
    assert.equal(c.getNegotiatedProtocolVersion(), MODERN);
    c.setRequestHandler('elicitation/create', answers.elicit);
    c.setRequestHandler('sampling/createMessage', answers.sampling);
    c.setRequestHandler('roots/list', answers.roots);
    assert.equal((await c.callTool({ name: 'modern__echo', arguments: { text: 'v2' } })).content[0].text, 'echo: v2');
    const reg = await c.callTool({ name: 'modern__regional', arguments: { region: 'ap', query: 'z' } });
    assert.equal(reg.content[0].text, 'region=ap query=z header=ap');
    const twice = await c.callTool({ name: 'modern__ask_twice', arguments: {} });
    assert.equal(twice.content[0].text, 'user said: forty-two; model said: re: the user said forty-two');
    assert.equal((await c.callTool({ name: 'modern__ask_roots', arguments: {} })).content[0].text, 'roots: file:///a,file:///b');
    // The dual-era upstream, and a legacy one beside them, through the same client.
    assert.equal((await c.callTool({ name: 'dual__ask_user', arguments: {} })).content[0].text, 'user said: forty-two');
    const p = await c.getPrompt({ name: 'dual__greet', arguments: { who: 'Lin' } });
    assert.equal(p.messages[0].content.text, 'Hello, Lin!');
    const read = await c.readResource({ uri: 'dual+modern://item/3' });
    assert.equal(read.contents[0].text, 'item 3');
    assert.equal((await c.callTool({ name: 'fid__bump', arguments: {} })).isError, undefined);
  });

  test('modern client: resourceSubscriptions on subscriptions/listen, in front of legacy and modern upstreams', async () => {
    const m = await modernClient();
    const updates = [];
    m.setNotificationHandler('notifications/resources/updated', (n) => updates.push(n.params));
    const listens = () => modern.state.requests.filter((r) => r.rpcMethod === 'subscriptions/listen' &&
      r.params?.notifications?.resourceSubscriptions?.includes('modern://static/hello')).length;
    const before = listens();
    const sub = await m.listen({ resourceSubscriptions: ['fid+fid://counter', 'modern+modern://static/hello', 'nope+x://y'] });
    // Granted: what exists in scope and was subscribed upstream; the unknown URI is left out.
    assert.deepEqual([...sub.honoredFilter.resourceSubscriptions].sort(), ['fid+fid://counter', 'modern+modern://static/hello']);
    const fidSubs = [...fidelity.state.subscriptions.values()].filter((u) => u.has('fid://counter')).length;
    assert.ok(fidSubs >= 1, 'the legacy upstream got resources/subscribe');
    await until(() => listens() === before + 1, 'a listen stream upstream naming the URI');
    await sleep(100);  // its acknowledgement has been read: the subscription is live upstream
    modern.handler.notify.resourceUpdated('modern://static/hello');
    const legacy = await legacyClient();
    await legacy.callTool({ name: 'fid__bump', arguments: {} });
    await until(() => updates.length === 2, 'both updates');
    const uris = updates.map((u) => u.uri).sort();
    assert.deepEqual(uris, ['fid+fid://counter', 'modern+modern://static/hello']);
    for (const u of updates) assert.equal(typeof u._meta?.['io.modelcontextprotocol/subscriptionId'], 'string');
    await sub.close();
    // Closing the listen stream ends its upstream sessions: the legacy one is deleted upstream.
    await until(() => [...fidelity.state.subscriptions.values()].filter((u) => u.has('fid://counter')).length === fidSubs - 1,
      'the subscription session closed upstream');
  });

  test('modern client: a wrong or missing Mcp-Param header is 400 -32020 at mcpgw, before the upstream', async () => {
    const before = toolCalls(modern, 'regional').length;
    const send = (headers) => fetch(`${d.base}/mcp`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${user}`, 'content-type': 'application/json', accept: 'application/json, text/event-stream',
        'mcp-protocol-version': MODERN, 'mcp-method': 'tools/call', 'mcp-name': 'modern__regional', ...headers,
      },
      body: JSON.stringify({ jsonrpc: '2.0', id: 'r1', method: 'tools/call', params: {
        name: 'modern__regional', arguments: { region: 'eu', query: 'q' },
        _meta: { 'io.modelcontextprotocol/protocolVersion': MODERN, 'io.modelcontextprotocol/clientCapabilities': {} } } }),
    });
    for (const [headers, why] of [[{}, /Mcp-Param-Region header is required/], [{ 'mcp-param-region': 'us' }, /does not match/]]) {
      const res = await send(headers);
      assert.equal(res.status, 400);
      const body = await res.json();
      assert.equal(body.id, 'r1');
      assert.equal(body.error.code, -32020);
      assert.match(body.error.message, why);
    }
    const ok = await send({ 'mcp-param-region': 'eu', 'mcp-param-extra': 'passed-on' });
    assert.equal(ok.status, 200);
    // The head may come before mcpgw has called the upstream (it streams): the body ends after.
    assert.match(await ok.text(), /"result"/);
    assert.equal(toolCalls(modern, 'regional').length, before + 1);
    assert.equal(toolCalls(modern, 'regional').slice(-1)[0].paramHeaders['mcp-param-extra'], 'passed-on');
  });

  test('a modern upstream\'s list change (on mcpgw\'s listen stream upstream) reaches clients of both eras', async () => {
    const legacy = await legacyClient();
    let legacyChanges = 0;
    legacy.setNotificationHandler((await import('@modelcontextprotocol/sdk/types.js')).ToolListChangedNotificationSchema, () => { legacyChanges++; });
    const m = await modernClient();
    let modernChanges = 0;
    m.setNotificationHandler('notifications/tools/list_changed', () => { modernChanges++; });
    const sub = await m.listen({ toolsListChanged: true });
    await sleep(200);
    const r = await m.callTool({ name: 'modern__add_tool', arguments: { name: 'late' } });
    assert.equal(r.content[0].text, 'added');
    await until(async () => (await legacy.listTools()).tools.some((t) => t.name === 'modern__late'), 'the new tool in the catalog');
    await until(() => modernChanges >= 1 && legacyChanges >= 1, 'list_changed on both');
    const late = await m.callTool({ name: 'modern__late', arguments: {} });
    assert.equal(late.content[0].text, 'late called');
    await sub.close();
  });
});
