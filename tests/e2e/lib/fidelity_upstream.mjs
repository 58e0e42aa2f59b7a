// A test upstream MCP server built with the official TypeScript SDK (low-level Server, so that
// every result is exactly what the test wrote): sampling, elicitation, logging and progress,
// every content type, a rich input schema, a subscribable resource that changes, a resource
// template, prompts with arguments and an embedded resource, completions, and a call whose SSE
// stream the server closes half-way (the client must resume it with Last-Event-ID). It listens on
// 127.0.0.1 only and records what it was asked, for the tests to check.
import http from 'node:http';
import { Cluster } from './cluster.mjs';
import { Daemon } from './daemon.mjs';
import { randomUUID } from 'node:crypto';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { InMemoryEventStore } from '@modelcontextprotocol/sdk/examples/shared/inMemoryEventStore.js';
import {
  CallToolRequestSchema, CompleteRequestSchema, CreateMessageResultSchema, ElicitResultSchema,
  GetPromptRequestSchema, ListPromptsRequestSchema, ListResourcesRequestSchema, ListRootsResultSchema,
  ListResourceTemplatesRequestSchema, ListToolsRequestSchema, ReadResourceRequestSchema,
  SetLevelRequestSchema, SubscribeRequestSchema, UnsubscribeRequestSchema,
} from '@modelcontextprotocol/sdk/types.js';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// A 1x1 PNG and a few bytes of WAV, base64.
export const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';
export const WAV = 'UklGRiQAAABXQVZFZm10IBAAAAABAAEAQB8AAEAfAAABAAgAZGF0YQAAAAA=';

export const SCHEMA_RICH_INPUT = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  type: 'object',
  $defs: { point: { type: 'object', properties: { x: { type: 'number' }, y: { type: 'number' } }, required: ['x', 'y'], additionalProperties: false } },
  properties: { from: { $ref: '#/$defs/point' }, to: { $ref: '#/$defs/point' }, label: { type: ['string', 'null'], default: null } },
  required: ['from', 'to'],
  additionalProperties: false,
};

export const ALL_CONTENT = {
  content: [
    { type: 'text', text: 'plain text, "quoted", ünïcödé, \u2028 and a tab\t', _meta: { 'fid/part': 1 } },
    { type: 'image', data: PNG, mimeType: 'image/png', annotations: { audience: ['user'], priority: 0.5 } },
    { type: 'audio', data: WAV, mimeType: 'audio/wav' },
    { type: 'resource', resource: { uri: 'fid://static/a', mimeType: 'text/plain', text: 'embedded', _meta: { 'fid/embedded': true } } },
    { type: 'resource_link', uri: 'fid://static/a', name: 'static-a', description: 'a link', mimeType: 'text/plain' },
  ],
  structuredContent: { n: 1.5, big: 12345678901234567, list: [true, null, 'x'], nested: { empty: {} } },
  _meta: { 'fid/result': 'kept' },
};

const TOOLS = [
  { name: 'sample', description: 'asks the client for a completion', inputSchema: { type: 'object', properties: { prompt: { type: 'string' } } } },
  { name: 'elicit', description: 'asks the user', inputSchema: { type: 'object' } },
  { name: 'work', description: 'logs and reports progress', inputSchema: { type: 'object', properties: { tag: { type: 'string' }, steps: { type: 'integer' }, delayMs: { type: 'integer' } } } },
  { name: 'all_content', description: 'every content type', inputSchema: { type: 'object' }, _meta: { 'fid/tool': 'meta' } },
  { name: 'schema_rich', title: 'Rich schema', description: '2020-12 schema', inputSchema: SCHEMA_RICH_INPUT, outputSchema: { type: 'object', properties: { length: { type: 'number' } }, required: ['length'] }, annotations: { readOnlyHint: true } },
  { name: 'bump', description: 'changes fid://counter', inputSchema: { type: 'object' } },
  { name: 'interrupted', description: 'its stream is closed half-way; the rest comes on resumption', inputSchema: { type: 'object' } },
  { name: 'level', description: 'the logging level this session was given', inputSchema: { type: 'object' } },
  { name: 'ask_roots', description: 'asks the client for its roots, outside the call (GET stream)', inputSchema: { type: 'object' } },
  { name: 'roots_in_call', description: 'asks the client for its roots on the call\'s own stream', inputSchema: { type: 'object' } },
  { name: 'ask_twice', description: 'asks the user, then the model, one after the other', inputSchema: { type: 'object' } },
  { name: 'args', description: 'returns its arguments as it received them', inputSchema: { type: 'object' } },
  { name: 'poll_later', description: 'closes its stream right after the priming event and answers 100 ms later (SEP-1699)', inputSchema: { type: 'object' } },
];

// resumable: false leaves out the event store (no event ids: a broken stream cannot be resumed).
export async function startFidelityUpstream({ name = 'fidelity', resumable = true } = {}) {
  const state = {
    counter: 0,
    levels: [],           // every logging/setLevel received: { session, level }
    subscriptions: new Map(),  // session id -> Set of URIs
    subscribeCalls: [],   // { method, uri, session }
    sessions: new Map(),  // session id -> { server, transport }
    elicitResults: [],
    getStreams: [],       // session ids that opened a GET stream
    calls: [],            // every tools/call received: { tool, session, args }
    updatesSent: [],      // every notifications/resources/updated sent: { session, uri }
    pings: [],            // every ping request received: { session, at }
  };

  const makeServer = () => {
    const server = new Server({ name, version: '1.2.3' }, {
      capabilities: {
        tools: { listChanged: true },
        resources: { subscribe: true, listChanged: true },
        prompts: { listChanged: true },
        logging: {},
        completions: {},
      },
      instructions: 'fidelity test upstream',
    });
    let sessionId;
    server.setSessionId = (id) => { sessionId = id; };

    server.setRequestHandler(ListToolsRequestSchema, async () => ({ tools: TOOLS }));
    server.setRequestHandler(SetLevelRequestSchema, async (req) => {
      state.levels.push({ session: sessionId, level: req.params.level });
      return {};
    });
    server.setRequestHandler(CallToolRequestSchema, async (req, extra) => {
      const args = req.params.arguments ?? {};
      state.calls.push({ tool: req.params.name, session: sessionId, args });
      const progressToken = req.params._meta?.progressToken;
      switch (req.params.name) {
        case 'sample': {
          const r = await extra.sendRequest({
            method: 'sampling/createMessage',
            params: { messages: [{ role: 'user', content: { type: 'text', text: args.prompt ?? 'hi' } }], maxTokens: 20, systemPrompt: 'be brief' },
          }, CreateMessageResultSchema);
          return { content: [{ type: 'text', text: `sampled: ${r.content.text} (${r.model})` }] };
        }
        case 'elicit': {
          const r = await extra.sendRequest({
            method: 'elicitation/create',
            params: {
              mode: 'form',
              message: 'Pick a color',
              requestedSchema: {
                type: 'object',
                properties: {
                  color: { type: 'string', enum: ['red', 'green', 'blue'], default: 'green', title: 'Color' },
                  count: { type: 'integer', minimum: 1, maximum: 9, default: 3 },
                  sure: { type: 'boolean', default: true },
                },
                required: ['color'],
              },
            },
          }, ElicitResultSchema, { timeout: 60000 });
          state.elicitResults.push(r);
          return { content: [{ type: 'text', text: JSON.stringify(r) }] };
        }
        case 'work': {
          const steps = args.steps ?? 3;
          for (let i = 1; i <= steps; i++) {
            await extra.sendNotification({ method: 'notifications/message', params: { level: 'info', logger: 'work', data: { tag: args.tag ?? '', step: i } } });
            if (progressToken !== undefined)
              await extra.sendNotification({ method: 'notifications/progress', params: { progressToken, progress: i, total: steps, message: `${args.tag ?? ''} ${i}/${steps}` } });
            if (args.delayMs) await sleep(args.delayMs);
          }
          return { content: [{ type: 'text', text: `done ${args.tag ?? ''}` }] };
        }
        case 'all_content':
          return structuredClone(ALL_CONTENT);
        case 'args':
          return { content: [{ type: 'text', text: JSON.stringify(args) }], structuredContent: args };
        case 'schema_rich':
          return { content: [{ type: 'text', text: '{"length":5}' }], structuredContent: { length: 5 } };
        case 'bump': {
          state.counter += 1;
          for (const [sid, uris] of state.subscriptions) {
            if (!uris.has('fid://counter')) continue;
            state.updatesSent.push({ session: sid, uri: 'fid://counter' });
            await state.sessions.get(sid)?.server.sendResourceUpdated({ uri: 'fid://counter' });
          }
          return { content: [{ type: 'text', text: `counter ${state.counter}` }] };
        }
        case 'interrupted': {
          await extra.sendNotification({ method: 'notifications/message', params: { level: 'info', logger: 'interrupted', data: 'before the break' } });
          await sleep(50);
          extra.closeSSEStream?.();
          await sleep(300);
          await extra.sendNotification({ method: 'notifications/message', params: { level: 'info', logger: 'interrupted', data: 'after the break' } });
          return { content: [{ type: 'text', text: 'resumed fine' }] };
        }
        case 'ask_roots': {
          // Not related to this call: the SDK sends it on the session's GET stream.
          const r = await state.sessions.get(sessionId).server.listRoots();
          return { content: [{ type: 'text', text: JSON.stringify(r.roots) }] };
        }
        case 'roots_in_call': {
          const r = await extra.sendRequest({ method: 'roots/list' }, ListRootsResultSchema);
          return { content: [{ type: 'text', text: JSON.stringify(r.roots) }] };
        }
        case 'ask_twice': {
          const e = await extra.sendRequest({ method: 'elicitation/create',
            params: { mode: 'form', message: 'Your name?', requestedSchema: { type: 'object', properties: { name: { type: 'string' } }, required: ['name'] } } },
          ElicitResultSchema, { timeout: 60000 });
          const m = await extra.sendRequest({ method: 'sampling/createMessage',
            params: { messages: [{ role: 'user', content: { type: 'text', text: `greet ${e.content?.name}` } }], maxTokens: 20 } },
          CreateMessageResultSchema, { timeout: 60000 });
          return { content: [{ type: 'text', text: `${e.content?.name}: ${m.content.text}` }] };
        }
        case 'poll_later': {
          extra.closeSSEStream?.();
          await sleep(100);
          return { content: [{ type: 'text', text: 'polled fine' }] };
        }
        case 'level': {
          const mine = state.levels.filter((l) => l.session === sessionId).map((l) => l.level);
          return { content: [{ type: 'text', text: mine.join(',') }] };
        }
        default:
          return { content: [{ type: 'text', text: `unknown tool ${req.params.name}` }], isError: true };
      }
    });

    server.setRequestHandler(ListResourcesRequestSchema, async () => ({
      resources: [
        { uri: 'fid://counter', name: 'counter', mimeType: 'text/plain', description: 'changes on bump' },
        { uri: 'fid://static/a', name: 'static-a', mimeType: 'text/plain', _meta: { 'fid/res': 1 } },
      ],
    }));
    server.setRequestHandler(ListResourceTemplatesRequestSchema, async () => ({
      resourceTemplates: [{ uriTemplate: 'fid://items/{id}', name: 'item', mimeType: 'application/json' }],
    }));
    server.setRequestHandler(ReadResourceRequestSchema, async (req) => {
      const uri = req.params.uri;
      if (uri === 'fid://counter') return { contents: [{ uri, mimeType: 'text/plain', text: String(state.counter) }] };
      if (uri === 'fid://static/a') return { contents: [{ uri, mimeType: 'text/plain', text: `static a from ${name}` }] };
      const m = /^fid:\/\/items\/(.+)$/.exec(uri);
      if (m) return { contents: [{ uri, mimeType: 'application/json', text: JSON.stringify({ id: m[1], from: name }) }] };
      const { McpError } = await import('@modelcontextprotocol/sdk/types.js');
      throw new McpError(-32002, 'Resource not found', { uri });
    });
    server.setRequestHandler(SubscribeRequestSchema, async (req) => {
      state.subscribeCalls.push({ method: 'subscribe', uri: req.params.uri, session: sessionId });
      if (!state.subscriptions.has(sessionId)) state.subscriptions.set(sessionId, new Set());
      state.subscriptions.get(sessionId).add(req.params.uri);
      return {};
    });
    server.setRequestHandler(UnsubscribeRequestSchema, async (req) => {
      state.subscribeCalls.push({ method: 'unsubscribe', uri: req.params.uri, session: sessionId });
      state.subscriptions.get(sessionId)?.delete(req.params.uri);
      return {};
    });

    server.setRequestHandler(ListPromptsRequestSchema, async () => ({
      prompts: [
        { name: 'greet', description: 'greets someone', arguments: [{ name: 'who', required: true }, { name: 'style', required: false }] },
        { name: 'with_resource', description: 'carries an embedded resource' },
      ],
    }));
    server.setRequestHandler(GetPromptRequestSchema, async (req) => {
      if (req.params.name === 'greet') {
        const a = req.params.arguments ?? {};
        return { description: 'a greeting', messages: [{ role: 'user', content: { type: 'text', text: `Hello ${a.who}${a.style ? ` (${a.style})` : ''}` } }] };
      }
      if (req.params.name === 'with_resource')
        return { messages: [{ role: 'user', content: { type: 'resource', resource: { uri: 'fid://static/a', mimeType: 'text/plain', text: 'embedded in a prompt' } } }] };
      const { McpError } = await import('@modelcontextprotocol/sdk/types.js');
      throw new McpError(-32602, `unknown prompt ${req.params.name}`);
    });
    server.setRequestHandler(CompleteRequestSchema, async (req) => {
      const { ref, argument } = req.params;
      let pool = [];
      if (ref.type === 'ref/prompt' && ref.name === 'greet' && argument.name === 'who') pool = ['alice', 'albert', 'bob'];
      if (ref.type === 'ref/resource' && ref.uri === 'fid://items/{id}' && argument.name === 'id') pool = ['item-1', 'item-2', 'other'];
      const values = pool.filter((v) => v.startsWith(argument.value));
      return { completion: { values, total: values.length, hasMore: false } };
    });
    return server;
  };

  const httpServer = http.createServer(async (req, res) => {
    try {
      const sid = req.headers['mcp-session-id'];
      let entry = sid ? state.sessions.get(sid) : undefined;
      if (!entry) {
        if (sid || req.method !== 'POST') {
          res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ jsonrpc: '2.0', error: { code: -32001, message: 'Session not found' }, id: null }));
          return;
        }
        const server = makeServer();
        const transport = new StreamableHTTPServerTransport({
          sessionIdGenerator: () => randomUUID(),
          ...(resumable ? { eventStore: new InMemoryEventStore(), retryInterval: 100 } : {}),
          onsessioninitialized: (id) => { server.setSessionId(id); state.sessions.set(id, { server, transport }); },
          onsessionclosed: (id) => { state.sessions.delete(id); state.subscriptions.delete(id); },
        });
        await server.connect(transport);
        entry = { server, transport };
      }
      if (req.method === 'GET') state.getStreams.push(sid);
      let body;
      if (req.method === 'POST') {
        const chunks = [];
        for await (const c of req) chunks.push(c);
        body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
        if (body?.method === 'ping') state.pings.push({ session: sid, at: Date.now() });
      }
      await entry.transport.handleRequest(req, res, body);
    } catch (e) {
      if (!res.headersSent) res.writeHead(500).end(String(e));
    }
  });
  await new Promise((r) => httpServer.listen(0, '127.0.0.1', r));
  const port = httpServer.address().port;
  return {
    url: `http://127.0.0.1:${port}/mcp`,
    state,
    async stop() {
      for (const { transport } of state.sessions.values()) await transport.close().catch(() => {});
      httpServer.closeAllConnections?.();
      await new Promise((r) => httpServer.close(r));
    },
  };
}

// One daemon (config overrides) with this upstream registered on it as "fa", both ended with
// the test: { d, up, admin, user } (user: alice, scope mcp).
export async function daemonWithFa(t, overrides) {
  const up = await startFidelityUpstream({ name: 'fa' });
  const d = new Daemon(overrides);
  t.after(async () => { try { await d.cleanup(); } finally { await up.stop(); } });
  await d.start();
  const admin = d.token('--sub', 'root', '--scope', 'admin');
  const { status, body } = await Cluster.addGateway(d.base, admin, 'fa', up.url);
  if (status !== 201) throw new Error(`registering fa: ${status} ${JSON.stringify(body)}`);
  return { d, up, admin, user: d.token('--sub', 'alice', '--scope', 'mcp') };
}
