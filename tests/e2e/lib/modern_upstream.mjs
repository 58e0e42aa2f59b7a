// A test upstream MCP server built with the official TypeScript SDK v2 (@modelcontextprotocol/server
// 2.4.0 + @modelcontextprotocol/node 2.1.2) that speaks MCP revision 2026-07-28 ("modern"): stateless,
// one McpServer instance per HTTP request from one factory (createMcpHandler), the per-request
// `_meta` envelope, server/discover, subscriptions/listen (list_changed is published on the handler's
// event bus), and multi-round-trip input_required results built with the SDK's inputRequired helpers.
//
// legacy decides what happens to 2025-era traffic (requests without the envelope, `initialize`, GET,
// DELETE):
//   'reject'    modern-only: createMcpHandler({ legacy: 'reject' }) answers legacy requests with the
//               unsupported-protocol-version error (-32022, HTTP 400) and drops legacy notifications (202).
//   'serve'     dual-era with sessions: the SDK's isLegacyRequest() routes 2025-era traffic to a
//               sessionful WebStandardStreamableHTTPServerTransport (initialize, Mcp-Session-Id, GET
//               stream, DELETE) whose McpServer comes from the same factory; everything else goes to the
//               strict modern handler. (createMcpHandler itself has no sessionful legacy option; this is
//               the composition its documentation gives.) The input_required tools also work there: the
//               SDK's legacy shim turns them into real elicitation/sampling/roots requests on the call's
//               SSE stream.
//   'stateless' createMcpHandler's own default fallback: each legacy request is answered by a fresh
//               instance with no session (initialize works, GET/DELETE answer 405, no server-to-client
//               requests, so the input_required tools fail on it).
//
// Offers: echo, regional (its `region` argument is mirrored in the Mcp-Param-Region header: x-mcp-header),
// ask_user / ask_model / ask_roots / ask_twice (input_required: elicitation, sampling, roots, then two
// rounds carrying requestState), work (progress + logging per step), slow (abortable), add_tool (adds a
// tool at run time and publishes tools list_changed); resource modern://static/hello, template
// modern://item/{id}; prompt greet. It listens on 127.0.0.1 only and records every HTTP request in
// state.requests, for the tests to check.
import http from 'node:http';
import { randomUUID } from 'node:crypto';
import {
  McpServer, ResourceTemplate, WebStandardStreamableHTTPServerTransport, createMcpHandler, fromJsonSchema,
  inputRequired, inputResponse, isLegacyRequest,
} from '@modelcontextprotocol/server';
import { toNodeHandler } from '@modelcontextprotocol/node';

const text = (t) => ({ content: [{ type: 'text', text: t }] });
const obj = (properties = {}, required = []) => fromJsonSchema({ type: 'object', properties, ...(required.length ? { required } : {}) });

// requestState is opaque to the client; this server mints plain base64url JSON (no integrity
// protection: it is a test server, and nothing it decides from the state is security-relevant).
const mintState = (v) => Buffer.from(JSON.stringify(v)).toString('base64url');
const readState = (s) => { try { return typeof s === 'string' ? JSON.parse(Buffer.from(s, 'base64url').toString()) : undefined; } catch { return undefined; } };

const ELICIT_ANSWER = {
  mode: 'form',
  message: 'What is your answer?',
  requestedSchema: { type: 'object', properties: { answer: { type: 'string', title: 'Answer' } }, required: ['answer'] },
};
const SAMPLE = (prompt) => ({ messages: [{ role: 'user', content: { type: 'text', text: prompt } }], maxTokens: 50 });
const samplingText = (r) => (Array.isArray(r.result.content) ? r.result.content.find((c) => c.type === 'text')?.text : r.result.content?.text);

export const REGIONAL_INPUT_SCHEMA = {
  type: 'object',
  properties: { region: { type: 'string', 'x-mcp-header': 'Region' }, query: { type: 'string' } },
  required: ['region', 'query'],
};

export async function startModernUpstream({ name = 'modern', legacy = 'reject' } = {}) {
  if (!['reject', 'serve', 'stateless'].includes(legacy)) throw new Error(`legacy must be 'reject', 'serve' or 'stateless', not ${legacy}`);
  const state = {
    // One per HTTP request: { method, mcpMethod, mcpName, protocolVersion, sessionId, paramHeaders
    // (every mcp-param-* header), rpcMethod, id, params, meta (= params._meta), name (tools/call,
    // prompts/get name or resources/read uri), inputResponses, hasRequestState, requestState, era
    // ('modern' | 'legacy'), status (the HTTP status answered; 499 = the client went away first) }.
    requests: [],
    aborted: 0,       // slow calls whose abort signal fired before they finished
    addedTools: [],   // names added by add_tool
    sessions: new Map(), // 'serve' only: legacy session id -> { server, transport }
    errors: [],       // what the SDK reported through onerror
  };

  const registerAdded = (server, toolName) => {
    server.registerTool(toolName, { description: `added at run time`, inputSchema: obj() },
      async () => text(`${toolName} called`));
  };

  const makeServer = ({ era } = {}) => {
    const server = new McpServer({ name, version: '2.0.0' }, {
      capabilities: {
        tools: { listChanged: true },
        resources: { subscribe: true, listChanged: true },
        prompts: { listChanged: true },
        logging: {},
      },
      instructions: 'modern test upstream',
    });

    server.registerTool('echo', { description: 'echoes text', inputSchema: obj({ text: { type: 'string' } }, ['text']) },
      async ({ text: t }) => text(`echo: ${t}`));

    server.registerTool('regional', { description: 'region travels in the Mcp-Param-Region header', inputSchema: fromJsonSchema(REGIONAL_INPUT_SCHEMA) },
      async ({ region, query }, ctx) => {
        const header = ctx.http?.req?.headers.get('mcp-param-region') ?? '<none>';
        return text(`region=${region} query=${query} header=${header}`);
      });

    server.registerTool('ask_user', { description: 'asks the user (elicitation, input_required)', inputSchema: obj() },
      async (_args, ctx) => {
        const r = inputResponse(ctx.mcpReq.inputResponses, 'answer');
        if (r.kind === 'missing') return inputRequired({ inputRequests: { answer: inputRequired.elicit(ELICIT_ANSWER) } });
        if (r.kind === 'elicit' && r.action === 'accept') return text(`user said: ${r.content?.answer}`);
        return text('user declined');
      });

    server.registerTool('ask_model', { description: 'asks the model (sampling, input_required)', inputSchema: obj() },
      async (_args, ctx) => {
        const r = inputResponse(ctx.mcpReq.inputResponses, 'model');
        if (r.kind !== 'sampling') return inputRequired({ inputRequests: { model: inputRequired.createMessage(SAMPLE('say something')) } });
        return text(`model said: ${samplingText(r)}`);
      });

    server.registerTool('ask_roots', { description: 'asks for the roots (roots/list, input_required)', inputSchema: obj() },
      async (_args, ctx) => {
        const r = inputResponse(ctx.mcpReq.inputResponses, 'roots');
        if (r.kind !== 'roots') return inputRequired({ inputRequests: { roots: inputRequired.listRoots() } });
        return text(`roots: ${r.roots.map((x) => x.uri).join(',')}`);
      });

    server.registerTool('ask_twice', { description: 'elicitation, then sampling, carrying requestState', inputSchema: obj() },
      async (_args, ctx) => {
        const st = readState(ctx.mcpReq.requestState());
        if (st?.step === 1) {
          const u = inputResponse(ctx.mcpReq.inputResponses, 'answer');
          const user = u.kind === 'elicit' && u.action === 'accept' ? String(u.content?.answer) : '(declined)';
          return inputRequired({
            inputRequests: { model: inputRequired.createMessage(SAMPLE(`the user said ${user}`)) },
            requestState: mintState({ step: 2, user }),
          });
        }
        if (st?.step === 2) {
          const m = inputResponse(ctx.mcpReq.inputResponses, 'model');
          if (m.kind === 'sampling') return text(`user said: ${st.user}; model said: ${samplingText(m)}`);
        }
        return inputRequired({ inputRequests: { answer: inputRequired.elicit(ELICIT_ANSWER) }, requestState: mintState({ step: 1 }) });
      });

    server.registerTool('work', { description: 'progress and a log message per step', inputSchema: obj({ steps: { type: 'integer' } }) },
      async ({ steps = 3 }, ctx) => {
        const progressToken = ctx.mcpReq._meta?.progressToken;
        for (let i = 1; i <= steps; i++) {
          if (progressToken !== undefined)
            await ctx.mcpReq.notify({ method: 'notifications/progress', params: { progressToken, progress: i, total: steps, message: `step ${i}/${steps}` } });
          // The SDK sends it only when the request's envelope carries a logLevel (modern) / per
          // logging/setLevel (legacy session), filtered by that level.
          await ctx.mcpReq.log('info', { step: i }, 'work');
        }
        return text('done');
      });

    server.registerTool('slow', { description: 'waits ms (default 30000)', inputSchema: obj({ ms: { type: 'integer' } }) },
      async ({ ms = 30000 }, ctx) => {
        const signal = ctx.mcpReq.signal;
        const finished = await new Promise((resolve) => {
          if (signal.aborted) return resolve(false);
          const t = setTimeout(() => resolve(true), ms);
          signal.addEventListener('abort', () => { clearTimeout(t); resolve(false); }, { once: true });
        });
        if (!finished) { state.aborted += 1; return text('slow aborted'); }
        return text('slow done');
      });

    server.registerTool('add_tool', { description: 'adds a tool at run time', inputSchema: obj({ name: { type: 'string' } }, ['name']) },
      async ({ name: toolName }) => {
        if (!state.addedTools.includes(toolName)) {
          state.addedTools.push(toolName);
          // Modern: a subscriptions/listen event. Legacy sessions: registering on a connected
          // McpServer sends notifications/tools/list_changed on its GET stream.
          handler.notify.toolsChanged();
          for (const s of state.sessions.values()) registerAdded(s.server, toolName);
        }
        return text('added');
      });

    for (const t of state.addedTools) registerAdded(server, t);

    server.registerResource('hello', 'modern://static/hello', { mimeType: 'text/plain', description: 'a static text' },
      async (uri) => ({ contents: [{ uri: uri.href, mimeType: 'text/plain', text: 'hello from modern' }] }));
    server.registerResource('item', new ResourceTemplate('modern://item/{id}', { list: undefined }), { mimeType: 'text/plain' },
      async (uri, { id }) => ({ contents: [{ uri: uri.href, mimeType: 'text/plain', text: `item ${id}` }] }));

    server.registerPrompt('greet', { description: 'greets someone', argsSchema: obj({ who: { type: 'string' } }, ['who']) },
      async ({ who }) => ({ messages: [{ role: 'user', content: { type: 'text', text: `Hello, ${who}!` } }] }));

    // 2025-era sessions may subscribe to resources (the capability says so); nothing here changes, so
    // this only acknowledges. The modern era subscribes through subscriptions/listen instead.
    if (era === 'legacy') {
      server.server.setRequestHandler('resources/subscribe', async () => ({}));
      server.server.setRequestHandler('resources/unsubscribe', async () => ({}));
    }
    return server;
  };

  const onerror = (e) => { state.errors.push(String(e?.message ?? e)); };
  const handler = createMcpHandler(makeServer, { legacy: legacy === 'stateless' ? 'stateless' : 'reject', onerror });

  // 'serve': sessionful 2025-era serving next to the strict modern handler.
  const serveLegacy = async (request) => {
    const sid = request.headers.get('mcp-session-id');
    let entry = sid ? state.sessions.get(sid) : undefined;
    if (!entry) {
      if (sid) return Response.json({ jsonrpc: '2.0', error: { code: -32001, message: 'Session not found' }, id: null }, { status: 404 });
      if (request.method !== 'POST')
        return Response.json({ jsonrpc: '2.0', error: { code: -32000, message: 'Bad Request: Mcp-Session-Id header is required' }, id: null }, { status: 400 });
      const server = makeServer({ era: 'legacy' });
      const transport = new WebStandardStreamableHTTPServerTransport({
        sessionIdGenerator: () => randomUUID(),
        onsessioninitialized: (id) => { state.sessions.set(id, { server, transport }); },
        onsessionclosed: (id) => { state.sessions.delete(id); },
      });
      transport.onerror = onerror;
      await server.connect(transport);
      entry = { server, transport };
    }
    return entry.transport.handleRequest(request);
  };

  const record = async (request) => {
    const rec = {
      method: request.method,
      mcpMethod: request.headers.get('mcp-method') ?? undefined,
      mcpName: request.headers.get('mcp-name') ?? undefined,
      protocolVersion: request.headers.get('mcp-protocol-version') ?? undefined,
      sessionId: request.headers.get('mcp-session-id') ?? undefined,
      paramHeaders: {},
    };
    for (const [k, v] of request.headers) if (k.startsWith('mcp-param-')) rec.paramHeaders[k] = v;
    if (request.method === 'POST') {
      let body;
      try { body = JSON.parse(await request.clone().text()); } catch { body = undefined; }
      const msg = Array.isArray(body) ? body[0] : body;
      if (Array.isArray(body)) rec.batch = body.length;
      if (msg && typeof msg === 'object') {
        rec.rpcMethod = msg.method;
        rec.id = msg.id;
        rec.params = msg.params;
        rec.meta = msg.params?._meta;
        if (msg.method === 'tools/call' || msg.method === 'prompts/get' || msg.method === 'resources/read') rec.name = msg.params?.name ?? msg.params?.uri;
        if (msg.params?.inputResponses !== undefined) rec.inputResponses = msg.params.inputResponses;
        rec.hasRequestState = msg.params?.requestState !== undefined;
        if (rec.hasRequestState) rec.requestState = msg.params.requestState;
      }
    }
    state.requests.push(rec);
    return rec;
  };

  const nodeHandler = toNodeHandler({
    fetch: async (request, options) => {
      const rec = await record(request);
      // The SDK's own era classification (no envelope claim -> 2025-era traffic).
      rec.era = await isLegacyRequest(request) ? 'legacy' : 'modern';
      const response = legacy === 'serve' && rec.era === 'legacy' ? await serveLegacy(request) : await handler.fetch(request, options);
      rec.status = response.status;
      return response;
    },
  }, { onerror });

  const sockets = new Set();
  const httpServer = http.createServer((req, res) => { nodeHandler(req, res); });
  httpServer.on('connection', (s) => { sockets.add(s); s.on('close', () => sockets.delete(s)); });
  await new Promise((r) => httpServer.listen(0, '127.0.0.1', r));
  const port = httpServer.address().port;
  return {
    url: `http://127.0.0.1:${port}/mcp`,
    state,
    handler,
    async stop() {
      await handler.close().catch(() => {});
      for (const { transport } of state.sessions.values()) await transport.close().catch(() => {});
      state.sessions.clear();
      httpServer.closeAllConnections?.();
      for (const s of sockets) s.destroy();
      await new Promise((r) => httpServer.close(r));
    },
  };
}
