// Issue 14 item 3: per-tool policies. A principal sees and can call only what its policies
// allow, in lists and calls alike, on /mcp and on a virtual server; by subject, scope or claim.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { Daemon } from './lib/daemon.mjs';
import { startRestServer } from './lib/rest_server.mjs';
import { startProvider } from './lib/identity_provider.mjs';

describe('per-tool policies', () => {
  let d, rest, idp, admin;
  const api = async (method, path, body) => {
    const res = await fetch(`${d.base}${path}`, {
      method,
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  };
  const connect = async (token, path = '/mcp') => {
    const client = new Client({ name: 'e2e-policy', version: '1' });
    await client.connect(new StreamableHTTPClientTransport(new URL(`${d.base}${path}`), {
      requestInit: { headers: { authorization: `Bearer ${token}` } },
    }));
    return client;
  };
  const names = async (client) => (await client.listTools()).tools.map((t) => t.name).sort();
  const call = (client, name) => client.callTool({ name, arguments: { city: 'Oslo' } });

  before(async () => {
    rest = await startRestServer();
    idp = await startProvider();
    d = new Daemon({ auth: { issuers: [{ issuer: idp.issuer, audiences: ['gw'], scope_claim: 'scope' }] } });
    await d.start();
    admin = d.token('--sub', 'root', '--scope', 'admin');
    for (const name of ['weather', 'forecast', 'delete_city']) {
      const r = await api('POST', '/v1/tools', { integration_type: 'REST', name, request_type: 'GET',
        url: `http://127.0.0.1:${rest.port}/weather/{city}`,
        input_schema: { type: 'object', properties: { city: { type: 'string' } } } });
      assert.equal(r.status, 201, JSON.stringify(r.body));
    }
  });
  after(async () => {
    await d.cleanup();
    await rest.close();
    await idp.stop();
  });

  test('the admin API validates, stores and lists policies', async () => {
    let r = await api('POST', '/v1/policies', { name: 'bad', effect: 'maybe', tools: ['*'] });
    assert.equal(r.status, 422);
    assert.equal(r.body.fields[0].field, 'effect');
    r = await api('POST', '/v1/policies', { name: 'bad', effect: 'deny' });
    assert.equal(r.status, 422);
    r = await api('POST', '/v1/policies', { name: 'bad', effect: 'deny', tools: ['*'], server_id: 'nope' });
    assert.equal(r.status, 422);
    assert.equal(r.body.fields[0].field, 'server_id');
    r = await api('POST', '/v1/policies', { name: 'bad', effect: 'deny', tools: ['*'], colour: 'red' });
    assert.equal(r.status, 422);
    assert.equal(r.body.fields[0].field, 'colour');
    // Deletes only for the operators, by subject; nobody else (the next rule).
    r = await api('POST', '/v1/policies', { name: 'ops-may-delete', priority: 10, effect: 'allow',
      subjects: ['olga'], tools: ['delete_*'] });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    assert.deepEqual({ ...r.body, id: undefined, created_at: undefined, updated_at: undefined }, {
      id: undefined, name: 'ops-may-delete', description: '', priority: 10, enabled: true, effect: 'allow',
      server_id: null, subjects: ['olga'], scopes: [], claims: {}, tools: ['delete_*'], resources: [],
      prompts: [], created_at: undefined, updated_at: undefined });
    r = await api('POST', '/v1/policies', { name: 'nobody-deletes', priority: 20, effect: 'deny', tools: ['delete_*'] });
    assert.equal(r.status, 201);
    // Contractors (a claim of the provider's tokens) get weather and nothing else.
    r = await api('POST', '/v1/policies', { name: 'contractors-weather', priority: 30, effect: 'allow',
      claims: { 'org.role': 'contractor' }, tools: ['weather'] });
    assert.equal(r.status, 201);
    r = await api('POST', '/v1/policies', { name: 'contractors-nothing-else', priority: 31, effect: 'deny',
      claims: { 'org.role': 'contractor' }, tools: ['*'] });
    assert.equal(r.status, 201);
    const conflict = await api('POST', '/v1/policies', { name: 'nobody-deletes', effect: 'deny', tools: ['x'] });
    assert.equal(conflict.status, 409);
    const list = await api('GET', '/v1/policies?limit=2');
    assert.deepEqual(list.body.items.map((p) => p.name), ['contractors-nothing-else', 'contractors-weather']);
    assert.ok(list.body.next_cursor);
  });

  test('lists and calls agree: each principal sees and calls only what is allowed', async () => {
    const olga = await connect(d.token('--sub', 'olga', '--scope', 'mcp'));
    assert.deepEqual(await names(olga), ['delete_city', 'forecast', 'weather']);
    assert.ok(!(await call(olga, 'delete_city')).isError);
    await olga.close();

    const alice = await connect(d.token('--sub', 'alice', '--scope', 'mcp'));
    assert.deepEqual(await names(alice), ['forecast', 'weather']);
    // Refused as for an unknown tool: the same error a name that never existed gets.
    const denied = await call(alice, 'delete_city').then((r) => r, (e) => e);
    const unknown = await call(alice, 'no_such_tool').then((r) => r, (e) => e);
    assert.equal(denied.code, unknown.code);
    assert.equal(denied.message.replace('delete_city', 'X'), unknown.message.replace('no_such_tool', 'X'));
    await alice.close();

    const contractor = await connect(await idp.token({ aud: 'gw', sub: 'c-7', scope: 'mcp', org: { role: 'contractor' } }));
    assert.deepEqual(await names(contractor), ['weather']);
    assert.match(JSON.stringify((await call(contractor, 'weather')).content), /Oslo/);
    await assert.rejects(call(contractor, 'forecast'));
    await contractor.close();
  });

  test('a server-bound policy covers that server\'s tools; a change reaches open sessions', async () => {
    const tools = (await api('GET', '/v1/tools')).body.items;
    const forecast = tools.find((t) => t.name === 'forecast');
    const srv = await api('POST', '/v1/servers', { name: 'outlook', tool_ids: [forecast.id] });
    assert.equal(srv.status, 201);
    const bob = await connect(d.token('--sub', 'bob', '--scope', 'mcp'), `/servers/${srv.body.id}/mcp`);
    assert.deepEqual(await names(bob), ['forecast']);
    let changed = 0;
    const { ToolListChangedNotificationSchema } = await import('@modelcontextprotocol/sdk/types.js');
    bob.setNotificationHandler(ToolListChangedNotificationSchema, () => { changed++; });
    const p = await api('POST', '/v1/policies', { name: 'no-outlook-for-bob', priority: 1, effect: 'deny',
      server_id: srv.body.id, subjects: ['bob'], tools: ['*'] });
    assert.equal(p.status, 201);
    assert.deepEqual(await names(bob), []);
    await assert.rejects(call(bob, 'forecast'));
    // On /mcp too: the policy is about the server's items, wherever they are shown.
    const bobAll = await connect(d.token('--sub', 'bob', '--scope', 'mcp'));
    assert.deepEqual(await names(bobAll), ['weather']);
    await bobAll.close();
    // Disabled: back.
    assert.equal((await api('PATCH', `/v1/policies/${p.body.id}`, { enabled: false })).status, 200);
    assert.deepEqual(await names(bob), ['forecast']);
    await bob.close();
    assert.ok(changed >= 1, 'the session was told its list changed');
  });
});
