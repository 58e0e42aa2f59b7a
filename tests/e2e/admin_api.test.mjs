// The admin REST API (/v1, admin scope) seen from outside: CRUD with PUT and PATCH, keyset
// pagination and filters, the error statuses, and the OpenAPI document.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Daemon } from './lib/daemon.mjs';

// Rows that upstream discovery creates (gateways, their tools, resources, prompts) are written
// straight into the daemon's database with the sqlite3 shell or psql (scripts/setup.sh --tests
// installs both; without them these tests fail, never skip); the API reads them from there.

describe('admin API', () => {
  const d = new Daemon();
  let admin, mcpOnly;

  const call = async (method, path, body, { token = admin, contentType = 'application/json', raw } = {}) => {
    const headers = {};
    if (token) headers.authorization = `Bearer ${token}`;
    if (body !== undefined || raw !== undefined) headers['content-type'] = contentType;
    const res = await fetch(`${d.base}${path}`, {
      method, headers, body: raw ?? (body === undefined ? undefined : JSON.stringify(body)),
    });
    const text = await res.text();
    return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : null, text };
  };
  const ok = async (method, path, body, status = 200) => {
    const r = await call(method, path, body);
    assert.equal(r.status, status, `${method} ${path}: ${r.text}`);
    return r.body;
  };
  const fieldsOf = (r) => {
    assert.equal(r.status, 422, r.text);
    assert.equal(r.body.error, 'validation_failed');
    return r.body.fields.map((f) => f.field).sort();
  };
  const restTool = (name, extra = {}) => ({
    name, integration_type: 'REST', url: 'http://127.0.0.1:9/x/{id}', ...extra,
  });
  const sql = (statements) => d.sql(statements);
  const listAll = async (path) => {
    const seen = [];
    let cursor;
    for (let i = 0; i < 100; i++) {
      const sep = path.includes('?') ? '&' : '?';
      const page = await ok('GET', `${path}${cursor ? `${sep}cursor=${encodeURIComponent(cursor)}` : ''}`);
      seen.push(...page.items);
      if (!page.next_cursor) return seen;
      cursor = page.next_cursor;
    }
    throw new Error('no last page');
  };

  before(async () => {
    await d.start();
    admin = d.token('--sub', 'root', '--scope', 'admin');
    mcpOnly = d.token('--sub', 'agent', '--scope', 'mcp');
  });
  after(() => d.cleanup());

  test('tools: create, get, PUT, PATCH, delete', async () => {
    const created = await ok('POST', '/v1/tools', restTool('crud-tool', {
      description: 'first', tags: ['crud', 'v1'], auth_type: 'bearer', credentials: { token: 's3cret' },
      headers: { 'X-A': '1', 'X-B': '2' },
    }), 201);
    assert.equal(created.name, 'crud-tool');
    assert.equal(created.original_name, 'crud-tool');
    assert.equal(created.gateway_id, null);
    assert.deepEqual(created.tags, ['crud', 'v1']);
    assert.equal(created.enabled, true);
    assert.equal(created.has_credentials, true);
    assert.ok(created.updated_at && created.created_at);
    assert.ok(!JSON.stringify(created).includes('s3cret'), 'credentials are never shown');
    const id = created.id;
    assert.deepEqual(await ok('GET', `/v1/tools/${id}`), created);

    // PATCH: only what is given; objects merge; credentials stay sealed.
    const patched = await ok('PATCH', `/v1/tools/${id}`, { description: 'second', headers: { 'X-A': null }, enabled: false });
    assert.equal(patched.description, 'second');
    assert.deepEqual(patched.headers, { 'X-B': '2' });
    assert.equal(patched.enabled, false);
    assert.equal(patched.url, created.url);
    assert.deepEqual(patched.tags, ['crud', 'v1']);
    assert.equal(patched.has_credentials, true);
    assert.equal(patched.auth_type, 'bearer');
    assert.equal(patched.created_at, created.created_at);

    // Changing the auth type needs the new credentials; auth_type none drops them.
    assert.deepEqual(fieldsOf(await call('PATCH', `/v1/tools/${id}`, { auth_type: 'basic' })),
      ['credentials.password', 'credentials.username']);
    const noAuth = await ok('PATCH', `/v1/tools/${id}`, { auth_type: 'none' });
    assert.equal(noAuth.has_credentials, false);
    assert.equal(noAuth.auth_type, 'none');

    // PUT replaces everything: what is not given takes its default.
    const replaced = await ok('PUT', `/v1/tools/${id}`, restTool('crud-tool-2', { request_type: 'GET', tags: ['v2'] }));
    assert.equal(replaced.name, 'crud-tool-2');
    assert.equal(replaced.description, '');
    assert.deepEqual(replaced.headers, {});
    assert.equal(replaced.enabled, true);
    assert.equal(replaced.request_type, 'GET');
    assert.deepEqual(replaced.tags, ['v2']);
    // PUT checks as POST does, and credentials must come again.
    assert.deepEqual(fieldsOf(await call('PUT', `/v1/tools/${id}`, restTool('crud-tool-2', { auth_type: 'bearer' }))),
      ['credentials.token']);
    assert.deepEqual(fieldsOf(await call('PUT', `/v1/tools/${id}`, { name: 'crud-tool-2' })),
      ['integration_type', 'url']);
    // What GET returned can be sent back; read-only members may not change.
    const roundTrip = await ok('PUT', `/v1/tools/${id}`, { ...replaced, description: 'again' });
    assert.equal(roundTrip.description, 'again');
    assert.deepEqual(fieldsOf(await call('PATCH', `/v1/tools/${id}`, { id: 'other', created_at: 'now' })),
      ['created_at', 'id']);

    assert.equal((await call('DELETE', `/v1/tools/${id}`)).status, 204);
    for (const m of ['GET', 'DELETE']) assert.equal((await call(m, `/v1/tools/${id}`)).status, 404);
    for (const m of ['PUT', 'PATCH']) {
      const r = await call(m, `/v1/tools/${id}`, restTool('gone'));
      assert.equal(r.status, 404);
      assert.equal(r.body.error, 'not_found');
    }
  });

  test('tools: 409 on a duplicate name (POST, PUT and PATCH)', async () => {
    await ok('POST', '/v1/tools', restTool('dup-a'), 201);
    const b = await ok('POST', '/v1/tools', restTool('dup-b'), 201);
    const again = await call('POST', '/v1/tools', restTool('dup-a'));
    assert.equal(again.status, 409);
    assert.equal(again.body.error, 'conflict');
    assert.match(again.body.detail, /dup-a/);
    assert.equal((await call('PUT', `/v1/tools/${b.id}`, restTool('dup-a'))).status, 409);
    assert.equal((await call('PATCH', `/v1/tools/${b.id}`, { name: 'dup-a' })).status, 409);
    assert.equal((await ok('GET', `/v1/tools/${b.id}`)).name, 'dup-b', 'nothing written');
  });

  test('tools: 422 names every wrong field; 415 and 400 for bodies that are not JSON objects', async () => {
    const r = await call('POST', '/v1/tools', {
      name: 'bad name', integration_type: 'SOAP', url: 'ftp://x', timeout_ms: 0, tags: ['a b'],
      enabled: 'no', request_type: 'HEAD', colour: 'red',
    });
    assert.deepEqual(fieldsOf(r),
      ['colour', 'enabled', 'integration_type', 'name', 'request_type', 'tags', 'timeout_ms', 'url']);
    for (const f of r.body.fields) assert.ok(f.message.length > 0);
    assert.equal((await call('POST', '/v1/tools', undefined, { raw: 'name=x', contentType: 'text/plain' })).status, 415);
    assert.equal((await call('POST', '/v1/tools', undefined, { raw: '{"name":' })).status, 400);
    assert.equal((await call('POST', '/v1/tools', undefined, { raw: '[1]' })).status, 400);
  });

  test('pagination: three pages, nothing repeated or skipped, stable under inserts', async () => {
    const names = ['pg-a', 'pg-b', 'pg-c', 'pg-d', 'pg-e', 'pg-f', 'pg-g', 'pg-h'];
    for (const n of [...names].reverse()) await ok('POST', '/v1/tools', restTool(n, { tags: ['paged'] }), 201);
    const first = await ok('GET', '/v1/tools?tag=paged&limit=3');
    assert.deepEqual(first.items.map((t) => t.name), ['pg-a', 'pg-b', 'pg-c']);
    assert.equal(typeof first.next_cursor, 'string');
    // Inserted meanwhile: one before the cursor (not seen) and one after it (seen once).
    await ok('POST', '/v1/tools', restTool('pg-aa', { tags: ['paged'] }), 201);
    await ok('POST', '/v1/tools', restTool('pg-dd', { tags: ['paged'] }), 201);
    const second = await ok('GET', `/v1/tools?tag=paged&limit=3&cursor=${encodeURIComponent(first.next_cursor)}`);
    assert.deepEqual(second.items.map((t) => t.name), ['pg-d', 'pg-dd', 'pg-e']);
    const third = await ok('GET', `/v1/tools?limit=3&tag=paged&cursor=${encodeURIComponent(second.next_cursor)}`);
    assert.deepEqual(third.items.map((t) => t.name), ['pg-f', 'pg-g', 'pg-h']);
    assert.equal(third.next_cursor, undefined, 'no cursor on the last page');
    const all = [...first.items, ...second.items, ...third.items].map((t) => t.id);
    assert.equal(new Set(all).size, all.length);

    // Walking every page of the whole list sees each tool once, in name order.
    const every = await listAll('/v1/tools?limit=2');
    const everyNames = every.map((t) => t.name);
    assert.deepEqual(everyNames, [...everyNames].sort());
    assert.equal(new Set(every.map((t) => t.id)).size, every.length);
    const total = (await ok('GET', '/v1/tools?limit=500')).items.length;
    assert.equal(every.length, total);

    assert.equal((await ok('GET', '/v1/tools?tag=paged&limit=500')).items.length, 10);
    assert.equal((await ok('GET', '/v1/tools?tag=paged')).next_cursor, undefined);
  });

  test('list queries: bad limit, bad cursor and unknown parameters are 422 naming them', async () => {
    for (const q of ['limit=0', 'limit=501', 'limit=ten']) {
      assert.deepEqual(fieldsOf(await call('GET', `/v1/tools?${q}`)), ['limit']);
    }
    assert.deepEqual(fieldsOf(await call('GET', '/v1/tools?cursor=not-a-cursor')), ['cursor']);
    assert.deepEqual(fieldsOf(await call('GET', '/v1/tools?colour=red')), ['colour']);
    assert.deepEqual(fieldsOf(await call('GET', '/v1/tools?integration_type=SOAP')), ['integration_type']);
    assert.deepEqual(fieldsOf(await call('GET', '/v1/servers?gateway=x')), ['gateway']);
    assert.deepEqual(fieldsOf(await call('GET', '/v1/tokens?tag=x')), ['tag']);
    assert.deepEqual(fieldsOf(await call('GET', '/v1/resources?tag=x')), ['tag']);
    assert.deepEqual(fieldsOf(await call('GET', '/v1/prompts?limit=0')), ['limit']);
  });

  test('tool filters: name (case-insensitive substring), tag, integration_type, gateway', async () => {
    await ok('POST', '/v1/tools', restTool('Filter_Weather', { tags: ['flt', 'sky'] }), 201);
    await ok('POST', '/v1/tools', restTool('filter-stocks', { tags: ['flt'] }), 201);
    await ok('POST', '/v1/tools', restTool('other-100', { tags: ['pct'] }), 201);
    const names = async (q) => (await ok('GET', `/v1/tools?${q}`)).items.map((t) => t.name);
    assert.deepEqual(await names('name=FILTER'), ['Filter_Weather', 'filter-stocks']);
    assert.deepEqual(await names('name=weath'), ['Filter_Weather']);
    assert.deepEqual(await names('name=%25'), [], 'a % in the filter is a plain character, no wildcard');
    assert.deepEqual(await names('name=_'), ['Filter_Weather'], 'so is _');
    assert.deepEqual(await names('tag=flt'), ['Filter_Weather', 'filter-stocks']);
    assert.deepEqual(await names('tag=sky'), ['Filter_Weather']);
    assert.deepEqual(await names('tag=fl'), [], 'tags match exactly');
    assert.deepEqual(await names('name=filter&tag=sky'), ['Filter_Weather']);
    assert.ok((await names('integration_type=REST')).includes('filter-stocks'));
    assert.deepEqual(await names('integration_type=MCP&name=filter'), []);
    assert.deepEqual(await names('gateway=nope'), []);
  });

  test('tools of upstream MCP servers: only enabled and tags can change', async () => {
    sql(`INSERT INTO gateways(id, name, slug, url, created_at, updated_at) VALUES('gw1', 'up', 'up', 'http://127.0.0.1:9/mcp', 0, 0);
         INSERT INTO tools(id, name, original_name, description, integration_type, gateway_id, created_at, updated_at)
           VALUES('mt1', 'up__search', 'search', 'finds', 'MCP', 'gw1', 0, 0);`);
    const mcpNames = async (q) => (await ok('GET', `/v1/tools?${q}`)).items.map((t) => t.name);
    assert.deepEqual(await mcpNames('integration_type=MCP'), ['up__search']);
    assert.deepEqual(await mcpNames('gateway=gw1'), ['up__search']);
    const tool = await ok('GET', '/v1/tools/mt1');
    assert.equal(tool.gateway_id, 'gw1');
    assert.equal(tool.original_name, 'search');
    const p = await ok('PATCH', '/v1/tools/mt1', { enabled: false, tags: ['upstream'] });
    assert.equal(p.enabled, false);
    assert.deepEqual(p.tags, ['upstream']);
    assert.equal(p.description, 'finds');
    assert.deepEqual(await mcpNames('tag=upstream'), ['up__search']);
    const r = await call('PATCH', '/v1/tools/mt1', { description: 'mine', enabled: true });
    assert.deepEqual(fieldsOf(r), ['description']);
    assert.equal(r.body.fields[0].message, 'tools of upstream MCP servers are managed by discovery');
    assert.deepEqual(fieldsOf(await call('PUT', '/v1/tools/mt1', { name: 'renamed', url: 'http://x' })), ['name', 'url']);
    // PUT with what GET returned and new tags/enabled is fine.
    const put = await ok('PUT', '/v1/tools/mt1', { ...p, enabled: true, tags: [] });
    assert.equal(put.enabled, true);
    assert.deepEqual(put.tags, []);
    assert.equal((await ok('GET', '/v1/tools/mt1')).enabled, true, 'nothing else written');
  });

  test('servers: create, get, list, PUT, PATCH, delete; unknown ids; 409', async () => {
    const t1 = await ok('POST', '/v1/tools', restTool('srv-t1'), 201);
    const t2 = await ok('POST', '/v1/tools', restTool('srv-t2'), 201);
    const ids = [t1.id, t2.id].sort();
    const s = await ok('POST', '/v1/servers', { name: 'srv-one', description: 'd', tool_ids: [t2.id, t1.id, t2.id], tags: ['team:a'] }, 201);
    assert.deepEqual(s.tool_ids, ids);
    assert.deepEqual(s.resource_ids, []);
    assert.deepEqual(s.prompt_ids, []);
    assert.equal(s.expose_original_names, false);
    assert.deepEqual(s.tags, ['team:a']);
    assert.ok(s.created_at && s.updated_at);
    assert.deepEqual(await ok('GET', `/v1/servers/${s.id}`), s);

    // Unknown ids: 422 naming the field and the id, and nothing is written.
    const bad = await call('POST', '/v1/servers', { name: 'srv-bad', tool_ids: [t1.id, 'nope'], prompt_ids: ['gone'] });
    assert.deepEqual(fieldsOf(bad), ['prompt_ids', 'tool_ids']);
    assert.ok(bad.body.fields.some((f) => f.field === 'tool_ids' && f.message.includes("'nope'")));
    assert.deepEqual((await ok('GET', '/v1/servers?name=srv-bad')).items, []);
    const badPatch = await call('PATCH', `/v1/servers/${s.id}`, { tool_ids: ['nope'], description: 'x' });
    assert.deepEqual(fieldsOf(badPatch), ['tool_ids']);
    assert.deepEqual(await ok('GET', `/v1/servers/${s.id}`), s, 'nothing written');

    const dup = await call('POST', '/v1/servers', { name: 'srv-one' });
    assert.equal(dup.status, 409);
    assert.equal(dup.body.error, 'conflict');

    // PATCH: a given list replaces that association; what is not given stays.
    const p1 = await ok('PATCH', `/v1/servers/${s.id}`, { tool_ids: [t1.id], expose_original_names: true });
    assert.deepEqual(p1.tool_ids, [t1.id]);
    assert.equal(p1.expose_original_names, true);
    assert.equal(p1.description, 'd');
    const p2 = await ok('PATCH', `/v1/servers/${s.id}`, { description: 'changed' });
    assert.deepEqual(p2.tool_ids, [t1.id]);
    assert.deepEqual(p2.tags, ['team:a']);
    // PUT: a full replacement.
    const put = await ok('PUT', `/v1/servers/${s.id}`, { name: 'srv-one-renamed', tool_ids: [t2.id] });
    assert.equal(put.name, 'srv-one-renamed');
    assert.equal(put.description, '');
    assert.deepEqual(put.tool_ids, [t2.id]);
    assert.deepEqual(put.tags, []);
    assert.equal(put.expose_original_names, false);
    assert.deepEqual(fieldsOf(await call('PUT', `/v1/servers/${s.id}`, { description: 'no name' })), ['name']);

    // Filters and a deleted tool leaving the server.
    await ok('POST', '/v1/servers', { name: 'srv-two', tags: ['team:b'] }, 201);
    const names = async (q) => (await ok('GET', `/v1/servers?${q}`)).items.map((x) => x.name);
    assert.deepEqual(await names('name=SRV-'), ['srv-one-renamed', 'srv-two']);
    assert.deepEqual(await names('tag=team:b'), ['srv-two']);
    const page = await ok('GET', '/v1/servers?name=srv-&limit=1');
    assert.equal(page.items.length, 1);
    assert.ok(page.next_cursor);
    await ok('DELETE', `/v1/tools/${t2.id}`, undefined, 204);
    assert.deepEqual((await ok('GET', `/v1/servers/${s.id}`)).tool_ids, []);

    assert.equal((await call('DELETE', `/v1/servers/${s.id}`)).status, 204);
    assert.equal((await call('GET', `/v1/servers/${s.id}`)).status, 404);
    assert.equal((await call('PATCH', `/v1/servers/${s.id}`, { description: 'x' })).status, 404);
  });

  test('resources and prompts: read, filter, page, and enable or disable only', async () => {
    sql(`INSERT INTO gateways(id, name, slug, url, created_at, updated_at) VALUES('gw2', 'docs', 'docs', 'http://127.0.0.1:9/mcp', 0, 0);
         INSERT INTO resources(id, uri, original_uri, name, description, mime_type, is_template, gateway_id, created_at, updated_at) VALUES
           ('r1', 'docs://readme', 'file:///readme', 'Readme', 'the readme', 'text/plain', 0, 'gw2', 0, 0),
           ('r2', 'docs://page/{n}', 'file:///page/{n}', 'page', '', NULL, 1, 'gw2', 0, 0),
           ('r3', 'local://x', 'local://x', 'xlocal', '', NULL, 0, NULL, 0, 0);
         INSERT INTO prompts(id, name, original_name, description, arguments, gateway_id, created_at, updated_at) VALUES
           ('p1', 'docs__summarize', 'summarize', 'sum', '[{"name":"text","required":true}]', 'gw2', 0, 0),
           ('p2', 'docs__translate', 'translate', '', '[]', 'gw2', 0, 0);`);
    const r1 = await ok('GET', '/v1/resources/r1');
    assert.deepEqual(r1, { id: 'r1', uri: 'docs://readme', original_uri: 'file:///readme', name: 'Readme',
      description: 'the readme', mime_type: 'text/plain', is_template: false, gateway_id: 'gw2', enabled: true });
    const rnames = async (q) => (await ok('GET', `/v1/resources?${q}`)).items.map((x) => x.id);
    assert.deepEqual(await rnames('gateway=gw2'), ['r1', 'r2']);
    assert.deepEqual(await rnames('name=READ'), ['r1']);
    const rp = await ok('GET', '/v1/resources?limit=2');
    assert.deepEqual(rp.items.map((x) => x.id), ['r1', 'r2']);
    const rp2 = await ok('GET', `/v1/resources?limit=2&cursor=${encodeURIComponent(rp.next_cursor)}`);
    assert.deepEqual(rp2.items.map((x) => x.id), ['r3']);
    assert.equal(rp2.next_cursor, undefined);
    assert.equal((await ok('GET', '/v1/resources/r2')).is_template, true);

    const p1 = await ok('GET', '/v1/prompts/p1');
    assert.deepEqual(p1, { id: 'p1', name: 'docs__summarize', original_name: 'summarize', description: 'sum',
      arguments: [{ name: 'text', required: true }], gateway_id: 'gw2', enabled: true });
    assert.deepEqual((await ok('GET', '/v1/prompts?name=trans&gateway=gw2')).items.map((x) => x.id), ['p2']);

    assert.equal((await ok('PATCH', '/v1/resources/r1', { enabled: false })).enabled, false);
    assert.equal((await ok('GET', '/v1/resources/r1')).enabled, false);
    assert.equal((await ok('PATCH', '/v1/prompts/p2', { enabled: false })).enabled, false);
    assert.deepEqual(fieldsOf(await call('PATCH', '/v1/resources/r1', { name: 'mine', enabled: true })), ['name']);
    assert.deepEqual(fieldsOf(await call('PATCH', '/v1/prompts/p1', {})), ['enabled']);
    assert.deepEqual(fieldsOf(await call('PATCH', '/v1/prompts/p1', { enabled: 'yes' })), ['enabled']);
    assert.equal((await call('GET', '/v1/resources/nope')).status, 404);
    assert.equal((await call('GET', '/v1/prompts/nope')).status, 404);
    assert.equal((await call('PATCH', '/v1/prompts/nope', { enabled: true })).status, 404);
    // Read-only: no POST, PUT or DELETE.
    assert.equal((await call('POST', '/v1/resources', { uri: 'x' })).status, 405);
    assert.equal((await call('DELETE', '/v1/prompts/p1')).status, 405);

    // A virtual server takes resource and prompt ids.
    const s = await ok('POST', '/v1/servers', { name: 'srv-items', resource_ids: ['r2', 'r1'], prompt_ids: ['p1'] }, 201);
    assert.deepEqual(s.resource_ids, ['r1', 'r2']);
    assert.deepEqual(s.prompt_ids, ['p1']);
    assert.deepEqual(fieldsOf(await call('PATCH', `/v1/servers/${s.id}`, { resource_ids: ['zz'] })), ['resource_ids']);
  });

  test('tokens: get by id, paged list with a name filter', async () => {
    const made = [];
    for (const name of ['tok-c', 'tok-a', 'tok-b']) {
      made.push(await ok('POST', '/v1/tokens', { name, subject: 'ci', scopes: ['mcp'] }, 201));
    }
    const one = await ok('GET', `/v1/tokens/${made[0].id}`);
    assert.equal(one.name, 'tok-c');
    assert.equal(one.token, undefined, 'the token itself is shown once only');
    const first = await ok('GET', '/v1/tokens?name=TOK-&limit=2');
    assert.deepEqual(first.items.map((t) => t.name), ['tok-a', 'tok-b']);
    const second = await ok('GET', `/v1/tokens?name=tok-&limit=2&cursor=${encodeURIComponent(first.next_cursor)}`);
    assert.deepEqual(second.items.map((t) => t.name), ['tok-c']);
    assert.equal(second.next_cursor, undefined);
    assert.equal((await call('GET', '/v1/tokens/nope')).status, 404);
    await ok('DELETE', `/v1/tokens/${made[1].id}`, undefined, 204);
    assert.ok((await ok('GET', `/v1/tokens/${made[1].id}`)).revoked_at);
  });

  test('401 without a token, 403 with a token lacking the admin scope', async () => {
    const routes = [['GET', '/v1/tools'], ['GET', '/v1/tools/x'], ['PUT', '/v1/tools/x'], ['PATCH', '/v1/tools/x'],
      ['GET', '/v1/servers'], ['PATCH', '/v1/servers/x'], ['GET', '/v1/resources'], ['PATCH', '/v1/prompts/x'],
      ['GET', '/v1/tokens/x']];
    for (const [m, p] of routes) {
      const anon = await call(m, p, m === 'GET' ? undefined : {}, { token: null });
      assert.equal(anon.status, 401, `${m} ${p}`);
      assert.equal(anon.headers.get('www-authenticate'),
        `Bearer resource_metadata="${d.base}/.well-known/oauth-protected-resource", scope="admin"`);
      const weak = await call(m, p, m === 'GET' ? undefined : {}, { token: mcpOnly });
      assert.equal(weak.status, 403, `${m} ${p}`);
      assert.equal(weak.body.error, 'forbidden');
    }
  });

  test('GET /v1/openapi.json: open, JSON, and it documents the routes', async () => {
    const res = await fetch(`${d.base}/v1/openapi.json`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type'), /^application\/json/);
    const doc = await res.json();
    assert.match(doc.openapi, /^3\.1\./);
    for (const p of ['/v1/tools/{id}', '/v1/servers/{id}', '/v1/resources', '/v1/prompts/{id}', '/v1/gateways/{id}/refresh', '/mcp']) {
      assert.ok(doc.paths[p], p);
    }
    assert.ok(doc.paths['/v1/tools/{id}'].patch.responses['422']);
  });
});
