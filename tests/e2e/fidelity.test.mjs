// Issue 5: a faithful relay. A test upstream written with the official TypeScript SDK
// (lib/fidelity_upstream.mjs) is registered twice (the same URIs in both), and the SDK client
// drives it through mcpgw: sampling and elicitation answered by the client's handlers, logging
// and progress, every content type, schemas, resources (subscriptions, templates), prompts,
// completions, logging levels, concurrent calls on one session, and an upstream stream that
// breaks half-way. Where mcpgw must change nothing, what the client gets through mcpgw is
// compared with what the same upstream answers directly.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import {
  CreateMessageRequestSchema, ElicitRequestSchema, LoggingMessageNotificationSchema,
  ResourceUpdatedNotificationSchema,
} from '@modelcontextprotocol/sdk/types.js';
import { Daemon } from './lib/daemon.mjs';
import { until } from './lib/wait.mjs';
import { ALL_CONTENT, SCHEMA_RICH_INPUT, startFidelityUpstream } from './lib/fidelity_upstream.mjs';
import { initialize, openSse, mcpHeaders } from './lib/mcp.mjs';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// The exact text of a JSON value inside `text`: the top-level member `key` of an object.
function rawMember(text, key) {
  let depth = 0, inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (inString) {
      if (ch === '\\') i++;
      else if (ch === '"') inString = false;
      continue;
    }
    if (ch === '"') {
      if (depth === 1 && text.startsWith(`"${key}":`, i)) {
        const start = i + key.length + 3;
        let d = 0, s = false;
        for (let j = start; j < text.length; j++) {
          const c = text[j];
          if (s) { if (c === '\\') j++; else if (c === '"') s = false; continue; }
          if (c === '"') s = true;
          else if (c === '{' || c === '[') d++;
          else if (c === '}' || c === ']') { if (d === 0) return text.slice(start, j); d--; if (d === 0) return text.slice(start, j + 1); }
          else if (c === ',' && d === 0) return text.slice(start, j);
        }
      }
      inString = true;
    } else if (ch === '{' || ch === '[') depth++;
    else if (ch === '}' || ch === ']') depth--;
  }
  return undefined;
}

// A raw MCP client: one session, requests whose answers are returned as the response message's
// exact text (JSON or the SSE event that carries it).
async function rawSession(url, token) {
  const headers = { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...(token ? { authorization: `Bearer ${token}` } : {}) };
  const send = async (msg) => {
    const res = await fetch(url, { method: 'POST', headers, body: JSON.stringify(msg) });
    const text = await res.text();
    if (msg.id === undefined) return { res, text };
    if (!(res.headers.get('content-type') ?? '').includes('event-stream')) return { res, text };
    for (const block of text.split(/\n\n/)) {
      const data = block.split('\n').filter((l) => l.startsWith('data:')).map((l) => l.slice(5).replace(/^ /, '')).join('\n');
      if (data && JSON.parse(data).id === msg.id) return { res, text: data };
    }
    throw new Error(`no response to ${msg.id} in ${text}`);
  };
  const init = await send({ jsonrpc: '2.0', id: 0, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'raw', version: '1' } } });
  headers['mcp-session-id'] = init.res.headers.get('mcp-session-id');
  headers['mcp-protocol-version'] = JSON.parse(init.text).result.protocolVersion;
  await send({ jsonrpc: '2.0', method: 'notifications/initialized' });
  let next = 1;
  return { request: async (method, params) => (await send({ jsonrpc: '2.0', id: next++, method, ...(params ? { params } : {}) })).text };
}

// A daemon with the test upstream registered twice ("fa" and "fb": the same URIs in both).
async function startBoth(t) {
  t.fa = await startFidelityUpstream({ name: 'fa' });
  t.fb = await startFidelityUpstream({ name: 'fb' });
  await t.d.start();
  t.admin = t.d.token('--sub', 'root', '--scope', 'admin');
  t.user = t.d.token('--sub', 'alice', '--scope', 'mcp');
  for (const [name, up] of [['fa', t.fa], ['fb', t.fb]]) {
    const res = await fetch(`${t.d.base}/v1/gateways`, {
      method: 'POST', headers: { authorization: `Bearer ${t.admin}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name, url: up.url }),
    });
    const body = await res.text();
    assert.equal(res.status, 201, body);
    assert.equal(JSON.parse(body).discovery.ok, true, body);
  }
}

describe('faithful relay', () => {
  const d = new Daemon({ federation: { discovery_timeout: '5s', request_timeout: '20s' } });
  let fa, fb, admin, user;
  const api = async (method, path, body) => {
    const res = await fetch(`${d.base}${path}`, {
      method, headers: { authorization: `Bearer ${admin}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null };
  };
  const clients = [];
  const connect = async ({ capabilities = { sampling: {}, elicitation: {} }, handlers = {} } = {}) => {
    const transport = new StreamableHTTPClientTransport(new URL(`${d.base}/mcp`), { requestInit: { headers: { authorization: `Bearer ${user}` } } });
    const client = new Client({ name: 'fidelity-e2e', version: '1' }, { capabilities });
    if (handlers.sampling) client.setRequestHandler(CreateMessageRequestSchema, handlers.sampling);
    if (handlers.elicit) client.setRequestHandler(ElicitRequestSchema, handlers.elicit);
    await client.connect(transport);
    clients.push(client);
    return client;
  };
  // The same upstream without mcpgw: an SDK client straight to it.
  const direct = async () => {
    const client = new Client({ name: 'fidelity-direct', version: '1' });
    await client.connect(new StreamableHTTPClientTransport(new URL(fa.url)));
    clients.push(client);
    return client;
  };

  before(async () => {
    const t = { d };
    await startBoth(t);
    ({ fa, fb, admin, user } = t);
  });
  after(async () => {
    for (const c of clients) await c.close().catch(() => {});
    await fa?.stop();
    await fb?.stop();
    await d.cleanup();
  });

  test('tool definitions are the upstream\'s own, renamed: 2020-12 schemas, annotations, _meta', async () => {
    const c = await connect();
    const tools = (await c.listTools()).tools;
    const up = (await (await direct()).listTools()).tools;
    for (const t of up) {
      const mine = tools.find((x) => x.name === `fa__${t.name}`);
      assert.ok(mine, `fa__${t.name} listed`);
      assert.equal(JSON.stringify({ ...mine, name: t.name }), JSON.stringify(t));
    }
    assert.ok(tools.some((t) => t.name === 'fb__schema_rich'));
    // On the wire, byte for byte: the upstream's tool object with only its name changed.
    const viaRaw = JSON.parse(await (await rawSession(`${d.base}/mcp`, user)).request('tools/list'));
    const upRaw = JSON.parse(await (await rawSession(fa.url)).request('tools/list'));
    for (const t of upRaw.result.tools) {
      const mine = viaRaw.result.tools.find((x) => x.name === `fa__${t.name}`);
      assert.equal(JSON.stringify({ ...mine, name: t.name }), JSON.stringify(t));
    }
    const rich = viaRaw.result.tools.find((t) => t.name === 'fa__schema_rich');
    assert.equal(JSON.stringify(rich.inputSchema), JSON.stringify(SCHEMA_RICH_INPUT));
  });

  test('every content type, structuredContent and _meta come back exactly as the upstream sent them', async () => {
    const c = await connect();
    const via = await c.callTool({ name: 'fa__all_content', arguments: {} });
    const straight = await (await direct()).callTool({ name: 'all_content', arguments: {} });
    assert.equal(JSON.stringify(via), JSON.stringify(straight));
    assert.deepEqual(via, ALL_CONTENT);
    // On the wire: the result's bytes are the upstream's.
    const viaText = await (await rawSession(`${d.base}/mcp`, user)).request('tools/call', { name: 'fa__all_content', arguments: {} });
    const upText = await (await rawSession(fa.url)).request('tools/call', { name: 'all_content', arguments: {} });
    assert.ok(rawMember(upText, 'result').length > 100);
    assert.equal(rawMember(viaText, 'result'), rawMember(upText, 'result'));
  });

  test('numbers in a call\'s arguments reach the upstream as the client wrote them', async () => {
    // Boost.JSON 1.81's own parser read about one double in ten of these one unit in the last
    // place off (113.17408141314563 became 113.17408141314564): mcpgw parses with its own.
    let x = 0x9e3779b9;
    const next = () => { x ^= x << 13; x ^= x >>> 17; x ^= x << 5; return (x >>> 0) / 2 ** 32; };
    const doubles = Array.from({ length: 300 }, () => (next() - 0.5) * 2000 + next() / 2 ** 20);
    const args = {
      doubles,
      odd: [113.17408141314563, 494.31128204553835, 0.30000000000000004, 5e-324, 1.7976931348623157e308,
        -2.2250738585072014e-308, 1.1844674407370955e20, 2 ** 53 + 2, -0.5, 1e21, 123456789.125],
      nested: { deep: [{ v: 961.4318682911543 }] },
    };
    const c = await connect();
    const r = await c.callTool({ name: 'fa__args', arguments: args });
    const got = fa.state.calls.filter((call) => call.tool === 'args').at(-1).args;
    const wrong = doubles.filter((d, i) => got.doubles[i] !== d);
    assert.deepEqual(wrong, [], `${wrong.length} of ${doubles.length} doubles changed on the way`);
    assert.deepEqual(got, args);
    assert.deepEqual(r.structuredContent, args);
  });

  test('sampling requested by the upstream is answered by the client\'s handler', async () => {
    const seen = [];
    const c = await connect({
      handlers: {
        sampling: async (req) => {
          seen.push(req.params);
          return { role: 'assistant', content: { type: 'text', text: 'forty-two' }, model: 'test-model', stopReason: 'endTurn' };
        },
      },
    });
    const r = await c.callTool({ name: 'fa__sample', arguments: { prompt: 'meaning?' } });
    assert.equal(r.content[0].text, 'sampled: forty-two (test-model)');
    assert.equal(seen.length, 1);
    assert.deepEqual(seen[0], { messages: [{ role: 'user', content: { type: 'text', text: 'meaning?' } }], maxTokens: 20, systemPrompt: 'be brief' });
  });

  test('elicitation with enum and default fields reaches the client unchanged; its answer reaches the upstream', async () => {
    const seen = [];
    const c = await connect({
      handlers: {
        elicit: async (req) => {
          seen.push(req.params);
          return { action: 'accept', content: { color: 'blue', count: 4, sure: false } };
        },
      },
    });
    const r = await c.callTool({ name: 'fa__elicit', arguments: {} });
    assert.deepEqual(JSON.parse(r.content[0].text), { action: 'accept', content: { color: 'blue', count: 4, sure: false } });
    assert.deepEqual(seen[0].requestedSchema.properties.color, { type: 'string', enum: ['red', 'green', 'blue'], default: 'green', title: 'Color' });
    assert.deepEqual(seen[0].requestedSchema.properties.count, { type: 'integer', minimum: 1, maximum: 9, default: 3 });
    assert.equal(seen[0].message, 'Pick a color');
    assert.deepEqual(fa.state.elicitResults.at(-1), { action: 'accept', content: { color: 'blue', count: 4, sure: false } });
  });

  test('a person may take longer than the upstream timeout to answer an elicitation', async () => {
    // Without event ids, so that a timed-out stream could not be resumed either.
    const plain = await startFidelityUpstream({ name: 'plain', resumable: false });
    const r0 = await api('POST', '/v1/gateways', { name: 'fa short', url: plain.url, timeout_ms: 1000 });
    assert.equal(r0.status, 201, JSON.stringify(r0.body));
    const c = await connect({
      handlers: {
        elicit: async () => {
          await sleep(2500);  // longer than the gateway's 1 s: the upstream stream is silent meanwhile
          return { action: 'decline' };
        },
      },
    });
    const r = await c.callTool({ name: 'fa-short__elicit', arguments: {} });
    assert.equal(r.isError, undefined, JSON.stringify(r));
    assert.deepEqual(JSON.parse(r.content[0].text), { action: 'decline' });
    assert.equal((await api('DELETE', `/v1/gateways/${r0.body.id}`)).status, 204);
    await plain.stop();
  });

  test('an upstream tool whose federated name is taken is skipped and named; the rest is stored', async () => {
    const rest = await api('POST', '/v1/tools', { name: 'fc__level', integration_type: 'REST', request_type: 'GET', url: 'http://127.0.0.1:9/x' });
    assert.equal(rest.status, 201, JSON.stringify(rest.body));
    const g = await api('POST', '/v1/gateways', { name: 'fc', url: fa.url });
    assert.equal(g.status, 201, JSON.stringify(g.body));
    assert.equal(g.body.discovery.ok, true, JSON.stringify(g.body.discovery));
    assert.deepEqual(g.body.discovery.skipped, ['tool level: the name is already taken']);
    const upstreamTools = (await (await direct()).listTools()).tools.length;
    assert.equal(g.body.tool_count, upstreamTools - 1);  // all but the one whose name was taken
    assert.equal(g.body.timeout_ms, 20000);  // federation.request_timeout, as no timeout_ms was given
    const tools = (await (await connect()).listTools()).tools;
    assert.ok(tools.some((t) => t.name === 'fc__sample'));
    assert.equal(tools.find((t) => t.name === 'fc__level').description, undefined);  // the REST tool
    assert.equal((await api('DELETE', `/v1/gateways/${g.body.id}`)).status, 204);
    assert.equal((await api('DELETE', `/v1/tools/${rest.body.id}`)).status, 204);
  });

  test('a client without the capability gets the upstream an error at once, not a hang', async () => {
    const c = await connect({ capabilities: {} });
    const started = Date.now();
    await assert.rejects(c.callTool({ name: 'fa__sample', arguments: {} }), /sampling/);
    assert.ok(Date.now() - started < 3000);
  });

  test('log messages and progress of a call arrive in order', async () => {
    const c = await connect();
    const logs = [];
    c.setNotificationHandler(LoggingMessageNotificationSchema, (n) => logs.push(n.params));
    const progress = [];
    const r = await c.callTool({ name: 'fa__work', arguments: { tag: 'solo', steps: 4 } }, undefined, { onprogress: (p) => progress.push(p) });
    assert.equal(r.content[0].text, 'done solo');
    assert.deepEqual(progress.map((p) => p.progress), [1, 2, 3, 4]);
    assert.deepEqual(progress.map((p) => p.message), ['solo 1/4', 'solo 2/4', 'solo 3/4', 'solo 4/4']);
    assert.deepEqual(logs.map((l) => l.data.step), [1, 2, 3, 4]);
    assert.ok(logs.every((l) => l.logger === 'work' && l.level === 'info' && l.data.tag === 'solo'));
  });

  test('two calls at once on one session: each stream carries exactly its own notifications and response', async () => {
    const s = await initialize(`${d.base}/mcp`, user);
    const call = (id, tag, delayMs) => openSse(`${d.base}/mcp`, {
      method: 'POST', headers: mcpHeaders(user, s.headers),
      body: JSON.stringify({ jsonrpc: '2.0', id, method: 'tools/call', params: { name: 'fa__work', arguments: { tag, steps: 5, delayMs }, _meta: { progressToken: `tok-${tag}` } } }),
    });
    const drain = async (sse) => {
      const msgs = [];
      for (let e; (e = await sse.next({ timeoutMs: 10000 }));) if (e.data) msgs.push(JSON.parse(e.data));
      return msgs;
    };
    const [a, b] = await Promise.all([call(1, 'A', 30), call(2, 'B', 20)]);
    const [ma, mb] = await Promise.all([drain(a), drain(b)]);
    for (const [msgs, tag, id] of [[ma, 'A', 1], [mb, 'B', 2]]) {
      const last = msgs.at(-1);
      assert.equal(last.id, id);
      assert.equal(last.result.content[0].text, `done ${tag}`);
      const notes = msgs.slice(0, -1);
      assert.equal(notes.length, 10, JSON.stringify(msgs));
      for (const n of notes) {
        if (n.method === 'notifications/progress') assert.equal(n.params.progressToken, `tok-${tag}`);
        else assert.equal(n.params.data.tag, tag);
      }
      assert.deepEqual(notes.filter((n) => n.method === 'notifications/progress').map((n) => n.params.progress), [1, 2, 3, 4, 5]);
    }
  });

  test('completions come from the upstream that owns the prompt or the template', async () => {
    const c = await connect();
    const p = await c.complete({ ref: { type: 'ref/prompt', name: 'fa__greet' }, argument: { name: 'who', value: 'al' } });
    assert.deepEqual(p, { completion: { values: ['alice', 'albert'], total: 2, hasMore: false } });
    const t = await c.complete({ ref: { type: 'ref/resource', uri: 'fb+fid://items/{id}' }, argument: { name: 'id', value: 'item' } });
    assert.deepEqual(t.completion.values, ['item-1', 'item-2']);
    const none = await c.complete({ ref: { type: 'ref/prompt', name: 'nope' }, argument: { name: 'x', value: '' } });
    assert.deepEqual(none.completion.values, []);
  });

  test('logging/setLevel reaches the session\'s upstreams: now, and before a later first request', async () => {
    const c = await connect();
    await c.setLoggingLevel('warning');  // no upstream session yet: given before the first call
    let r = await c.callTool({ name: 'fa__level', arguments: {} });
    assert.equal(r.content[0].text, 'warning');
    await c.setLoggingLevel('error');  // an open upstream session: given at once
    r = await c.callTool({ name: 'fa__level', arguments: {} });
    assert.equal(r.content[0].text, 'warning,error');
    // The raw answer to setLevel is exactly {}.
    const raw = await rawSession(`${d.base}/mcp`, user);
    assert.equal(rawMember(await raw.request('logging/setLevel', { level: 'debug' }), 'result'), '{}');
  });

  test('a request the upstream sends outside any call (GET stream) reaches the client on its GET stream', async () => {
    const { ListRootsRequestSchema } = await import('@modelcontextprotocol/sdk/types.js');
    const c = await connect({ capabilities: { roots: { listChanged: true } } });
    c.setRequestHandler(ListRootsRequestSchema, async () => ({ roots: [{ uri: 'file:///work', name: 'work' }] }));
    await c.callTool({ name: 'fa__level', arguments: {} });  // the upstream session now exists
    // mcpgw follows this client's upstream session's GET stream once it is in use (its own
    // control session has a GET stream of its own, which must not count).
    const session = fa.state.calls.filter((x) => x.tool === 'level').at(-1).session;
    await until(() => fa.state.getStreams.includes(session), 'a GET stream of the client\'s upstream session');
    const r = await c.callTool({ name: 'fa__ask_roots', arguments: {} });
    assert.deepEqual(JSON.parse(r.content[0].text), [{ uri: 'file:///work', name: 'work' }]);
  });

  test('an upstream response stream that breaks off is resumed with Last-Event-ID: nothing is lost', async () => {
    const c = await connect();
    const logs = [];
    c.setNotificationHandler(LoggingMessageNotificationSchema, (n) => logs.push(n.params.data));
    const r = await c.callTool({ name: 'fa__interrupted', arguments: {} });
    assert.equal(r.isError, undefined, JSON.stringify(r));
    assert.equal(r.content[0].text, 'resumed fine');
    assert.deepEqual(logs, ['before the break', 'after the break']);
  });

  // Issue 11, a defect found by a new user: an upstream that closes the call's stream right after
  // its priming event (server-driven polling, SEP-1699) and answers 100 ms later. The answer must
  // reach the client on its open stream.
  test('an upstream that closes the stream after priming and answers later (SEP-1699)', async () => {
    const c = await connect();
    const r = await c.callTool({ name: 'fa__poll_later', arguments: {} }, undefined, { timeout: 8000 });
    assert.equal(r.isError, undefined, JSON.stringify(r));
    assert.equal(r.content[0].text, 'polled fine');
  });

  test('prompts with arguments and with an embedded resource', async () => {
    const c = await connect();
    const g = await c.getPrompt({ name: 'fa__greet', arguments: { who: 'Zed', style: 'formal' } });
    assert.deepEqual(g, { description: 'a greeting', messages: [{ role: 'user', content: { type: 'text', text: 'Hello Zed (formal)' } }] });
    const w = await c.getPrompt({ name: 'fb__with_resource' });
    assert.deepEqual(w.messages[0].content, { type: 'resource', resource: { uri: 'fid://static/a', mimeType: 'text/plain', text: 'embedded in a prompt' } });
  });
});

describe('faithful relay: resources', () => {
  const d = new Daemon({ federation: { discovery_timeout: '5s' } });
  let fa, fb, admin, user, client;
  before(async () => {
    const t = { d };
    await startBoth(t);
    ({ fa, fb, admin, user } = t);
    client = new Client({ name: 'fidelity-resources', version: '1' });
    await client.connect(new StreamableHTTPClientTransport(new URL(`${d.base}/mcp`), { requestInit: { headers: { authorization: `Bearer ${user}` } } }));
  });
  after(async () => {
    await client?.close().catch(() => {});
    await fa?.stop();
    await fb?.stop();
    await d.cleanup();
  });

  test('two upstreams with the same URIs: both listed under "<slug>+<uri>", definitions otherwise unchanged', async () => {
    const { resources } = await client.listResources();
    const uris = resources.map((r) => r.uri).sort();
    assert.deepEqual(uris, ['fa+fid://counter', 'fa+fid://static/a', 'fb+fid://counter', 'fb+fid://static/a']);
    const a = resources.find((r) => r.uri === 'fa+fid://static/a');
    assert.deepEqual(a, { uri: 'fa+fid://static/a', name: 'static-a', mimeType: 'text/plain', _meta: { 'fid/res': 1 } });
    const { resourceTemplates } = await client.listResourceTemplates();
    assert.deepEqual(resourceTemplates.map((t) => t.uriTemplate).sort(), ['fa+fid://items/{id}', 'fb+fid://items/{id}']);
  });

  test('subscriptions: updates reach exactly the subscribed session, under the URI it subscribed to', async () => {
    const other = new Client({ name: 'fidelity-other', version: '1' });
    await other.connect(new StreamableHTTPClientTransport(new URL(`${d.base}/mcp`), { requestInit: { headers: { authorization: `Bearer ${user}` } } }));
    const mine = [], theirs = [];
    client.setNotificationHandler(ResourceUpdatedNotificationSchema, (n) => mine.push(n.params));
    other.setNotificationHandler(ResourceUpdatedNotificationSchema, (n) => theirs.push(n.params));
    assert.deepEqual(await client.subscribeResource({ uri: 'fa+fid://counter' }), {});
    const upstreamSession = fa.state.subscribeCalls.at(-1).session;
    assert.deepEqual(fa.state.subscribeCalls.at(-1), { method: 'subscribe', uri: 'fid://counter', session: upstreamSession });
    // The update travels on the upstream session's GET stream, which mcpgw now follows.
    await until(() => fa.state.getStreams.includes(upstreamSession), 'mcpgw to follow the upstream session');
    await other.callTool({ name: 'fa__bump', arguments: {} });  // the other session changes it
    await other.callTool({ name: 'fb__bump', arguments: {} });  // same URI upstream, not subscribed
    // Upstream, exactly one update was sent, to the subscribed client's upstream session.
    assert.deepEqual(fa.state.updatesSent, [{ session: upstreamSession, uri: 'fid://counter' }]);
    assert.deepEqual(fb.state.updatesSent, []);
    await until(() => mine.length > 0, 'the update on the subscribed session');
    assert.deepEqual(mine, [{ uri: 'fa+fid://counter' }]);
    // The other session gets updates only once it subscribes: its first one must be its own.
    assert.deepEqual(await other.subscribeResource({ uri: 'fb+fid://counter' }), {});
    const otherUpstream = fb.state.subscribeCalls.at(-1).session;
    await until(() => fb.state.getStreams.includes(otherUpstream), 'mcpgw to follow the other upstream session');
    await other.callTool({ name: 'fb__bump', arguments: {} });
    await until(() => theirs.length > 0, 'the update on the other session');
    assert.deepEqual(theirs, [{ uri: 'fb+fid://counter' }]);
    assert.deepEqual(mine, [{ uri: 'fa+fid://counter' }]);
    assert.equal((await client.readResource({ uri: 'fa+fid://counter' })).contents[0].text, '1');
    // Unsubscribing reaches the upstream (not only mcpgw's own filter): it then sends nothing.
    assert.deepEqual(await client.unsubscribeResource({ uri: 'fa+fid://counter' }), {});
    assert.deepEqual(fa.state.subscribeCalls.at(-1), { method: 'unsubscribe', uri: 'fid://counter', session: upstreamSession });
    await other.callTool({ name: 'fa__bump', arguments: {} });
    assert.equal(fa.state.updatesSent.length, 1);
    await other.close();
  });

  test('reads go to the owning upstream, and the contents carry the URIs mcpgw offers', async () => {
    const a = await client.readResource({ uri: 'fa+fid://static/a' });
    assert.deepEqual(a, { contents: [{ uri: 'fa+fid://static/a', mimeType: 'text/plain', text: 'static a from fa' }] });
    const b = await client.readResource({ uri: 'fb+fid://static/a' });
    assert.equal(b.contents[0].text, 'static a from fb');
    const item = await client.readResource({ uri: 'fb+fid://items/42' });
    assert.deepEqual(item.contents, [{ uri: 'fb+fid://items/42', mimeType: 'application/json', text: '{"id":"42","from":"fb"}' }]);
    // An upstream's own URI (as in a resource link) is ambiguous here: two upstreams have it.
    await assert.rejects(client.readResource({ uri: 'fid://static/a' }), /Resource not found/);
    await assert.rejects(client.readResource({ uri: 'fa+fid://nope' }), /Resource not found/);
  });
});
