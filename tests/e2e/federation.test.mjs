// Issue 4: upstream MCP servers. npm @modelcontextprotocol/server-everything (streamableHttp) is
// the upstream; it is registered through the admin API, and the official SDK client talks to it
// through mcpgw: a virtual server with two of its tools, echo, progress, restart persistence, and
// the upstream going away and coming back.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { Daemon } from './lib/daemon.mjs';
import { startEverything } from './lib/everything.mjs';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

describe('federated upstream MCP server', () => {
  const d = new Daemon({ federation: { health_interval: '300ms', unhealthy_after: 2, discovery_timeout: '5s' } });
  let upstream, admin, user, gw, server;
  const api = async (method, path, body, token = admin) => {
    const res = await fetch(`${d.base}${path}`, {
      method, headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null };
  };
  const connect = async (path) => {
    const transport = new StreamableHTTPClientTransport(new URL(`${d.base}${path}`), { requestInit: { headers: { authorization: `Bearer ${user}` } } });
    const client = new Client({ name: 'federation-e2e', version: '1' });
    await client.connect(transport);
    return { client, transport };
  };
  const waitFor = async (what, fn, ms = 10000) => {
    const end = Date.now() + ms;
    for (;;) {
      const v = await fn();
      if (v) return v;
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
      await sleep(100);
    }
  };

  before(async () => {
    upstream = await startEverything({ record: true });
    await d.start();
    admin = d.token('--sub', 'root', '--scope', 'admin');
    user = d.token('--sub', 'alice', '--scope', 'mcp');
  });
  after(async () => {
    await upstream?.stop();
    await d.cleanup();
  });

  test('registering discovers its tools, resources, templates and prompts under the slug', async () => {
    const r = await api('POST', '/v1/gateways', { name: 'Everything', url: upstream.url, tags: ['demo'] });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    gw = r.body;
    assert.equal(gw.slug, 'everything');
    assert.equal(gw.status, 'healthy');
    assert.equal(gw.discovery.ok, true, JSON.stringify(gw.discovery));
    assert.ok(gw.tool_count >= 5 && gw.resource_count >= 1 && gw.prompt_count >= 1, JSON.stringify(gw));
    assert.equal(gw.server_info.name.length > 0, true);
    const tools = await api('GET', `/v1/tools?gateway=${gw.id}&limit=500`);
    assert.equal(tools.status, 200);
    const names = tools.body.items.map((t) => t.name);
    assert.ok(names.includes('everything__echo'), names.join());
    assert.ok(tools.body.items.every((t) => t.integration_type === 'MCP' && t.gateway_id === gw.id));
    // Everything that talks to the upstream goes to 127.0.0.1.
    assert.match(gw.url, /^http:\/\/127\.0\.0\.1:/);
  });

  test('admin errors: 422 names the field, 409, 404, 401, 403', async () => {
    let r = await api('POST', '/v1/gateways', { name: 'x' });
    assert.equal(r.status, 422);
    assert.ok(r.body.fields.some((f) => f.field === 'url'));
    r = await api('POST', '/v1/gateways', { name: 'x', url: 'ftp://127.0.0.1/' });
    assert.equal(r.status, 422);
    r = await api('POST', '/v1/gateways', { name: 'Everything', url: upstream.url });
    assert.equal(r.status, 409);
    r = await api('GET', '/v1/gateways/nope');
    assert.equal(r.status, 404);
    r = await api('POST', '/v1/gateways/nope/refresh');
    assert.equal(r.status, 404);
    const anon = await fetch(`${d.base}/v1/gateways`);
    assert.equal(anon.status, 401);
    r = await api('GET', '/v1/gateways', undefined, user);
    assert.equal(r.status, 403);
  });

  test('a virtual server with two tools: the SDK sees exactly those, echo and progress work', async () => {
    const tools = (await api('GET', `/v1/tools?gateway=${gw.id}&limit=500`)).body.items;
    const id = (n) => tools.find((t) => t.name === n).id;
    const r = await api('POST', '/v1/servers', { name: 'two-tools', tool_ids: [id('everything__echo'), id('everything__trigger-long-running-operation')] });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    server = r.body;
    const { client, transport } = await connect(`/servers/${server.id}/mcp`);
    try {
      const listed = await client.listTools();
      assert.deepEqual(listed.tools.map((t) => t.name).sort(), ['everything__echo', 'everything__trigger-long-running-operation']);
      // The upstream's schema is kept as it gave it.
      const echo = listed.tools.find((t) => t.name === 'everything__echo');
      assert.equal(echo.inputSchema.properties.message.type, 'string');
      const res = await client.callTool({ name: 'everything__echo', arguments: { message: 'hello through mcpgw' } });
      assert.deepEqual(res.content, [{ type: 'text', text: 'Echo: hello through mcpgw' }]);
      const progress = [];
      const long = await client.callTool({ name: 'everything__trigger-long-running-operation', arguments: { duration: 1, steps: 4 } },
        undefined, { onprogress: (p) => progress.push(p) });
      assert.match(long.content[0].text, /Long running operation completed/);
      assert.deepEqual(progress.map((p) => [p.progress, p.total]), [[1, 4], [2, 4], [3, 4], [4, 4]]);
      // A tool outside the server is unknown there.
      await assert.rejects(client.callTool({ name: 'everything__get-sum', arguments: { a: 1, b: 2 } }), /Unknown tool/);
    } finally {
      await transport.terminateSession().catch(() => {});
      await client.close();
    }
  });

  test('each client session has its own upstream session, closed with it', async () => {
    const before = (upstream.output().match(/Session initialized with ID/g) ?? []).length;
    const a = await connect('/mcp');
    const b = await connect('/mcp');
    await a.client.callTool({ name: 'everything__echo', arguments: { message: 'a' } });
    await b.client.callTool({ name: 'everything__echo', arguments: { message: 'b' } });
    await a.client.callTool({ name: 'everything__echo', arguments: { message: 'a2' } });
    const opened = (upstream.output().match(/Session initialized with ID/g) ?? []).length - before;
    assert.equal(opened, 2, 'one upstream session per client session, reused across calls');
    const ended = (upstream.output().match(/Received session termination request/g) ?? []).length;
    await a.transport.terminateSession();
    await b.transport.terminateSession();
    await a.client.close(); await b.client.close();
    await waitFor('upstream sessions closed', () =>
      (upstream.output().match(/Received session termination request/g) ?? []).length - ended >= 2);
  });

  test('resources and prompts are relayed', async () => {
    const { client, transport } = await connect('/mcp');
    try {
      const resources = await client.listResources();
      assert.ok(resources.resources.length > 0);
      const first = resources.resources[0];
      const read = await client.readResource({ uri: first.uri });
      assert.equal(read.contents[0].uri, first.uri);
      const prompts = await client.listPrompts();
      const simple = prompts.prompts.find((p) => p.name === 'everything__simple-prompt');
      assert.ok(simple, prompts.prompts.map((p) => p.name).join());
      const got = await client.getPrompt({ name: 'everything__simple-prompt' });
      assert.ok(got.messages.length > 0);
    } finally {
      await transport.terminateSession().catch(() => {});
      await client.close();
    }
  });

  test('pooled upstream connections the upstream closed while idle are not failures', async () => {
    // Node closes idle keep-alive connections (keepAliveTimeout 5 s, closed within ~10 s); mcpgw
    // must not hand such a connection to a call. This failed before pooled connections were
    // checked on reuse.
    const { client, transport } = await connect('/mcp');
    try {
      const warm = await Promise.all([1, 2, 3, 4, 5, 6].map((i) => client.callTool({ name: 'everything__echo', arguments: { message: `w${i}` } })));
      assert.ok(warm.every((r) => !r.isError));
      await sleep(10000);
      const after = await Promise.all([1, 2, 3, 4, 5, 6].map((i) => client.callTool({ name: 'everything__echo', arguments: { message: `a${i}` } })));
      assert.deepEqual(after.map((r) => r.content[0].text), [1, 2, 3, 4, 5, 6].map((i) => `Echo: a${i}`));
      assert.equal((await api('GET', `/v1/gateways/${gw.id}`)).body.status, 'healthy');
    } finally {
      await transport.terminateSession().catch(() => {});
      await client.close();
    }
  });

  test('refresh on demand asks the upstream again and keeps every item', async () => {
    const names = async (kind) => (await api('GET', `/v1/${kind}?gateway=${gw.id}&limit=500`)).body.items
      .map((x) => x.name ?? x.uri).sort();
    const before = { tools: await names('tools'), resources: await names('resources'), prompts: await names('prompts') };
    const asked = (method) => upstream.bodies().filter((m) => m.method === method).length;
    const listsBefore = ['tools/list', 'resources/list', 'prompts/list'].map(asked);
    const r = await api('POST', `/v1/gateways/${gw.id}/refresh`);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.discovery.ok, true);
    assert.equal(r.body.tool_count, gw.tool_count);
    // The refresh is a new discovery upstream, not the stored answer...
    const listsAfter = ['tools/list', 'resources/list', 'prompts/list'].map(asked);
    listsAfter.forEach((n, i) => assert.ok(n > listsBefore[i], `${['tools', 'resources', 'prompts'][i]}/list asked again`));
    // ...and it leaves the same items (names and URIs), not only the same count.
    assert.deepEqual({ tools: await names('tools'), resources: await names('resources'), prompts: await names('prompts') }, before);
    assert.ok(before.tools.includes('everything__echo'), before.tools.join(','));
  });

  test('a restart keeps gateways, their tools and virtual servers', async () => {
    await d.stop();
    await d.start();
    const g = await api('GET', `/v1/gateways/${gw.id}`);
    assert.equal(g.status, 200);
    assert.equal(g.body.tool_count, gw.tool_count);
    const { client, transport } = await connect(`/servers/${server.id}/mcp`);
    try {
      const listed = await client.listTools();
      assert.equal(listed.tools.length, 2);
      const res = await client.callTool({ name: 'everything__echo', arguments: { message: 'after restart' } });
      assert.equal(res.content[0].text, 'Echo: after restart');
    } finally {
      await transport.terminateSession().catch(() => {});
      await client.close();
    }
  });

  test('upstream killed: calls fail fast as isError and health flips; back: it recovers', async () => {
    const { client, transport } = await connect('/mcp');
    try {
      const port = upstream.port;
      await upstream.stop();
      await waitFor('status unreachable', async () => (await api('GET', `/v1/gateways/${gw.id}`)).body.status === 'unreachable');
      const t0 = Date.now();
      const res = await client.callTool({ name: 'everything__echo', arguments: { message: 'x' } });
      assert.equal(res.isError, true);
      assert.match(res.content[0].text, /unreachable/);
      assert.equal(res.structuredContent, undefined);
      assert.ok(Date.now() - t0 < 1000, 'fails fast');
      upstream = await startEverything({ port, record: true });
      await waitFor('status healthy', async () => (await api('GET', `/v1/gateways/${gw.id}`)).body.status === 'healthy');
      const ok = await client.callTool({ name: 'everything__echo', arguments: { message: 'back' } });
      assert.equal(ok.content[0].text, 'Echo: back');
    } finally {
      await transport.terminateSession().catch(() => {});
      await client.close();
    }
  });

  test('a virtual server may expose original names where they are unique in it', async () => {
    const tools = (await api('GET', `/v1/tools?gateway=${gw.id}&limit=500`)).body.items;
    const id = (n) => tools.find((t) => t.name === n).id;
    const r = await api('POST', '/v1/servers', { name: 'plain-names', expose_original_names: true,
      tool_ids: [id('everything__echo'), id('everything__get-sum')] });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    const { client, transport } = await connect(`/servers/${r.body.id}/mcp`);
    try {
      const listed = await client.listTools();
      assert.deepEqual(listed.tools.map((t) => t.name), ['echo', 'get-sum']);
      const res = await client.callTool({ name: 'echo', arguments: { message: 'plain' } });
      assert.equal(res.content[0].text, 'Echo: plain');
      await assert.rejects(client.callTool({ name: 'everything__echo', arguments: { message: 'x' } }), /Unknown tool/);
    } finally {
      await transport.terminateSession().catch(() => {});
      await client.close();
    }
  });

  // Issue 11, a defect found by a new user: original names meant original tool names only, so
  // reading an upstream's documented URI through such a server gave "Resource not found".
  test('original names mean original resource and template URIs too', async () => {
    const resources = (await api('GET', `/v1/resources?gateway=${gw.id}&limit=500`)).body.items;
    assert.ok(resources.length >= 2, JSON.stringify(resources));
    const r = await api('POST', '/v1/servers', { name: 'plain-uris', expose_original_names: true,
      resource_ids: resources.map((x) => x.id) });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    const { client, transport } = await connect(`/servers/${r.body.id}/mcp`);
    try {
      const listed = (await client.listResources()).resources;
      assert.ok(listed.length >= 1);
      for (const x of listed) assert.doesNotMatch(x.uri, /^everything\+/, x.uri);
      const read = await client.readResource({ uri: listed[0].uri });
      assert.equal(read.contents[0].uri, listed[0].uri);
      const templates = (await client.listResourceTemplates()).resourceTemplates;
      assert.ok(templates.length >= 1, 'server-everything has resource templates');
      const t = templates[0];
      assert.doesNotMatch(t.uriTemplate, /^everything\+/);
      const uri = t.uriTemplate.replace(/\{[^}]+\}/g, '1');
      const made = await client.readResource({ uri });
      assert.ok(made.contents.length >= 1, JSON.stringify(made));
      assert.doesNotMatch(made.contents[0].uri, /^everything\+/);
    } finally {
      await transport.terminateSession().catch(() => {});
      await client.close();
    }
  });

  test("a client's cancel reaches the upstream", async () => {
    const { client, transport } = await connect('/mcp');
    try {
      const ac = new AbortController();
      const call = client.callTool({ name: 'everything__trigger-long-running-operation', arguments: { duration: 3, steps: 6 } },
        undefined, { signal: ac.signal, onprogress: () => ac.abort('enough') });
      await assert.rejects(call);
      // What reached the upstream: notifications/cancelled naming the id mcpgw gave the call there.
      const upstreamCall = await waitFor('the call upstream', () => upstream.bodies()
        .filter((m) => m.method === 'tools/call' && m.params?.name === 'trigger-long-running-operation').at(-1));
      const cancel = await waitFor('the cancel upstream', () => upstream.bodies()
        .find((m) => m.method === 'notifications/cancelled' && m.params?.requestId === upstreamCall.id));
      assert.equal(cancel.id, undefined);
      await d.waitForLog(new RegExp(`cancel relayed to upstream Everything as request ${upstreamCall.id}(?!\\d)(?! \\(failed)`));
    } finally {
      await transport.terminateSession().catch(() => {});
      await client.close();
    }
  });

  test('deleting the gateway removes its items', async () => {
    const r = await api('DELETE', `/v1/gateways/${gw.id}`);
    assert.equal(r.status, 204);
    const tools = await api('GET', `/v1/tools?gateway=${gw.id}`);
    assert.equal(tools.body.items.length, 0);
  });
});
