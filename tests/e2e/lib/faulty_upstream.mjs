// A streamable-HTTP MCP upstream of the project's own that misbehaves on request: each tool is one
// way an upstream can fail (answer late or never, break off mid-body, send garbage or oversized
// SSE frames, the wrong Content-Type, a 200 that is not JSON-RPC, duplicated or unknown response
// ids, forget its session). Written on node:http directly, no SDK, so every byte is the test's.
// Listens on 127.0.0.1 only; stop() ends every connection it holds.
//
// era 'legacy' (2025-06-18): initialize, Mcp-Session-Id, 404 for a session it does not know.
// era 'modern' (2026-07-28): stateless; server/discover; every request must carry the _meta
// envelope's protocolVersion (else 400 + -32022, which is how a modern-only server answers
// initialize); every result has resultType. forget_session is legacy only; the modern era has
// faults of its own (MODERN_FAULTS): input_required results that are malformed or never end, and
// the era's HTTP-level refusals (-32022, -32020) on a call.
import http from 'node:http';

const LEGACY = '2025-06-18';
const MODERN = '2026-07-28';
const VERSION_META = 'io.modelcontextprotocol/protocolVersion';
const text = (t) => ({ content: [{ type: 'text', text: t }] });
const rpcOf = (modern) => (id, result) =>
  JSON.stringify({ jsonrpc: '2.0', id, result: modern ? { resultType: 'complete', ...result } : result });
const sse = (data, id) => `${id ? `id: ${id}\n` : ''}data: ${data}\n\n`;

export const FAULTS = {
  ok: 'answers at once',
  late: 'answers after 3 s',
  never: 'never answers, holds the connection',
  truncated: 'JSON with a Content-Length it does not send, then closes',
  reset: 'SSE head and half an event, then a TCP reset',
  garbage_sse: 'SSE frames that are not JSON-RPC, then the answer',
  oversized_sse: 'one SSE event of 17 MiB',
  oversized_json: 'a JSON body of 17 MiB',
  wrong_type: '200 with Content-Type text/html',
  not_jsonrpc: '200 JSON that is not JSON-RPC',
  status_500: 'HTTP 500 with a text body',
  dup_ids: 'SSE with the response twice, different each time',
  unknown_id: 'SSE with a response for an id never sent, then ends',
  big: 'a correct answer of 8 MiB (for clients that do not read it)',
};
export const LEGACY_FAULTS = {
  forget_session: 'forgets the session and answers 404 (every other call)',
};
export const MODERN_FAULTS = {
  input_no_requests: 'resultType input_required without inputRequests',
  input_no_method: 'resultType input_required whose input request names no method',
  input_forever: 'input_required (an elicitation) on every round, never complete',
  wrong_version: 'HTTP 400 + -32022: the protocol version is not supported (any more)',
  header_mismatch: 'HTTP 400 + -32020: a header does not match the body',
};
const BIG_TEXT = Buffer.alloc(17 << 20, 'y');
const toolsOf = (faults) => Object.entries(faults).map(([name, description]) => ({
  name, description, inputSchema: { type: 'object' },
}));

export async function startFaultyUpstream({ port = 0, era = 'legacy' } = {}) {
  if (!['legacy', 'modern'].includes(era)) throw new Error(`era must be 'legacy' or 'modern', not ${era}`);
  const modern = era === 'modern';
  const rpc = rpcOf(modern);
  const TOOLS = toolsOf({ ...FAULTS, ...(modern ? MODERN_FAULTS : LEGACY_FAULTS) });
  const refuse = (res, code, message, data) => res.writeHead(400, { 'content-type': 'application/json' })
    .end(JSON.stringify({ jsonrpc: '2.0', id: null, error: { code, message, ...(data ? { data } : {}) } }));
  const state = { era, sessions: new Set(), initializes: 0, discovers: 0, calls: [], forgetCalls: 0, inputRounds: 0 };
  const sockets = new Set();
  const timers = new Set();
  const later = (ms, fn) => { const t = setTimeout(() => { timers.delete(t); fn(); }, ms); timers.add(t); };

  const server = http.createServer((req, res) => {
    if (req.method === 'GET' || (modern && req.method === 'DELETE')) { res.writeHead(405, { allow: modern ? 'POST' : 'POST, DELETE' }).end(); return; }
    if (req.method === 'DELETE') { state.sessions.delete(req.headers['mcp-session-id']); res.writeHead(204).end(); return; }
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      let msg;
      try { msg = JSON.parse(Buffer.concat(chunks).toString('utf8')); } catch {
        res.writeHead(400, { 'content-type': 'application/json' }).end('{"jsonrpc":"2.0","id":null,"error":{"code":-32700,"message":"Parse error"}}');
        return;
      }
      if (msg.id === undefined) { res.writeHead(202).end(); return; }
      if (modern) { serveModern(msg, req, res); return; }
      if (msg.method === 'initialize') {
        const sid = `faulty-${++state.initializes}`;
        state.sessions.add(sid);
        res.writeHead(200, { 'content-type': 'application/json', 'mcp-session-id': sid });
        res.end(rpc(msg.id, { protocolVersion: LEGACY, capabilities: { tools: {} }, serverInfo: { name: 'faulty', version: '1.0.0' } }));
        return;
      }
      const sid = req.headers['mcp-session-id'];
      if (!state.sessions.has(sid)) { res.writeHead(404, { 'content-type': 'text/plain' }).end('no such session'); return; }
      if (msg.method === 'ping') { res.writeHead(200, { 'content-type': 'application/json' }).end(rpc(msg.id, {})); return; }
      serveCommon(msg, sid, req, res);
    });
  });

  // The modern era: no session; the envelope's version on every request.
  function serveModern(msg, req, res) {
    const version = msg.params?._meta?.[VERSION_META];
    if (version !== MODERN) {
      refuse(res, -32022, 'Unsupported protocol version', { supported: [MODERN], requested: version ?? null });
      return;
    }
    if (msg.method === 'server/discover') {
      state.discovers += 1;
      res.writeHead(200, { 'content-type': 'application/json' }).end(rpc(msg.id, {
        supportedVersions: [MODERN], capabilities: { tools: {} }, serverInfo: { name: 'faulty', version: '1.0.0' },
      }));
      return;
    }
    serveCommon(msg, undefined, req, res);
  }

  function serveCommon(msg, sid, req, res) {
    if (msg.method === 'tools/list') { res.writeHead(200, { 'content-type': 'application/json' }).end(rpc(msg.id, { tools: TOOLS })); return; }
    if (msg.method !== 'tools/call') {
      res.writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ jsonrpc: '2.0', id: msg.id, error: { code: -32601, message: 'Method not found' } }));
      return;
    }
    const name = msg.params?.name;
    state.calls.push({ name, session: sid, id: msg.id, params: msg.params });
    if (modern && name in MODERN_FAULTS) misbehaveModern(name, msg, res);
    else misbehave(name, msg, sid, req, res);
  }

  function misbehaveModern(name, msg, res) {
    const json = (result) => res.writeHead(200, { 'content-type': 'application/json' })
      .end(JSON.stringify({ jsonrpc: '2.0', id: msg.id, result }));
    switch (name) {
      case 'input_no_requests': return json({ resultType: 'input_required', requestState: 'abc' });
      case 'input_no_method': return json({ resultType: 'input_required', inputRequests: { a: { params: {} } } });
      case 'input_forever':
        state.inputRounds += 1;
        return json({
          resultType: 'input_required',
          requestState: Buffer.from(JSON.stringify({ round: state.inputRounds })).toString('base64url'),
          inputRequests: {
            again: {
              method: 'elicitation/create',
              params: { mode: 'form', message: 'Once more?', requestedSchema: { type: 'object', properties: { ok: { type: 'boolean' } } } },
            },
          },
        });
      case 'wrong_version': return refuse(res, -32022, 'Unsupported protocol version', { supported: ['2099-01-01'], requested: MODERN });
      case 'header_mismatch': return refuse(res, -32020, 'Header mismatch: Mcp-Method does not match the body');
      default: return json({ resultType: 'complete', ...text('unreachable') });
    }
  }

  function misbehave(name, msg, sid, req, res) {
    const json = (body) => res.writeHead(200, { 'content-type': 'application/json' }).end(body);
    const stream = () => res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    switch (name) {
      case 'ok': return json(rpc(msg.id, text('ok')));
      case 'late': return later(3000, () => { if (!res.destroyed) json(rpc(msg.id, text('late'))); });
      case 'never': return undefined;
      case 'truncated':
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': '500' });
        res.write(rpc(msg.id, text('truncated')).slice(0, 30));
        return later(50, () => res.socket?.destroy());
      case 'reset':
        stream();
        res.write('data: {"jsonrpc":"2.0","id":');
        return later(50, () => res.socket?.resetAndDestroy());
      case 'garbage_sse':
        stream();
        res.write(': a comment\n\n');
        res.write('data: this is not json\n\n');
        res.write('event: message\ndata: {"jsonrpc":"2.0"\n\n');
        res.write('data: {"jsonrpc":"2.0","method":7}\n\n');
        res.write('data: \u00ff\u00fe\u0000\n\n');
        res.write('retry: banana\nid: \n\n');
        res.end(sse(rpc(msg.id, text('after the garbage'))));
        return undefined;
      case 'oversized_sse': {
        stream();
        const chunk = 'x'.repeat(1 << 20);
        res.write(`data: {"jsonrpc":"2.0","id":${JSON.stringify(msg.id)},"result":{"content":[{"type":"text","text":"`);
        let sent = 0;
        const more = () => {
          while (sent < 17 && !res.destroyed) { sent += 1; if (!res.write(chunk)) { res.once('drain', more); return; } }
          if (!res.destroyed) res.end('"}]}}\n\n');
        };
        return more();
      }
      case 'oversized_json': {
        // Built once (BIG_TEXT): making 17 MiB per call can take the upstream longer than
        // mcpgw's request_timeout on a loaded machine, which would test the wrong thing.
        const head = `{"jsonrpc":"2.0","id":${JSON.stringify(msg.id)},"result":{"content":[{"type":"text","text":"`;
        const tail = '"}]}}';
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(head.length + BIG_TEXT.length + tail.length) });
        res.write(head);
        res.write(BIG_TEXT);
        return res.end(tail);
      }
      case 'big': return json(rpc(msg.id, text('b'.repeat(8 << 20))));
      case 'wrong_type': return res.writeHead(200, { 'content-type': 'text/html' }).end('<html><body>hello</body></html>');
      case 'not_jsonrpc': return json('{"hello":"world"}');
      case 'status_500': return res.writeHead(500, { 'content-type': 'text/plain' }).end('upstream exploded');
      case 'dup_ids':
        stream();
        res.write(sse(rpc(msg.id, text('first'))));
        return res.end(sse(rpc(msg.id, text('second'))));
      case 'unknown_id':
        stream();
        return res.end(sse(rpc('never-sent-42', text('not yours'))));
      case 'forget_session':
        state.forgetCalls += 1;
        if (state.forgetCalls % 2 === 1) {
          state.sessions.delete(sid);
          return res.writeHead(404, { 'content-type': 'text/plain' }).end('session forgotten');
        }
        return json(rpc(msg.id, text('after a new session')));
      default:
        return json(JSON.stringify({ jsonrpc: '2.0', id: msg.id, error: { code: -32602, message: `unknown tool ${name}` } }));
    }
  }

  server.on('connection', (s) => { sockets.add(s); s.on('close', () => sockets.delete(s)); });
  await new Promise((res, rej) => { server.once('error', rej); server.listen(port, '127.0.0.1', res); });
  const bound = server.address().port;
  return {
    port: bound,
    url: `http://127.0.0.1:${bound}/mcp`,
    state,
    // Every connection ends at once: to mcpgw the upstream is gone (refused from now on).
    async stop() {
      for (const t of timers) clearTimeout(t);
      timers.clear();
      const closed = new Promise((r) => server.close(r));
      for (const s of sockets) s.destroy();
      await closed;
    },
  };
}
