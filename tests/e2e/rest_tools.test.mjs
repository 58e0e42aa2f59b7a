// Issue 4, first part: REST endpoints wrapped as MCP tools, called through the official SDK client.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createHash, createDecipheriv } from 'node:crypto';
import { join } from 'node:path';
import { Daemon } from './lib/daemon.mjs';
import { startRestServer } from './lib/rest_server.mjs';

describe('REST tools', () => {
  const d = new Daemon();
  let rest, admin, client, transport;
  const tool = async (body) => {
    const res = await fetch(`${d.base}/v1/tools`, {
      method: 'POST', headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
      body: JSON.stringify({ integration_type: 'REST', ...body }),
    });
    assert.equal(res.status, 201, await res.clone().text());
    return res.json();
  };
  before(async () => {
    rest = await startRestServer();
    await d.start();
    admin = d.token('--sub', 'root', '--scope', 'admin');
    const base = `http://127.0.0.1:${rest.port}`;
    await tool({ name: 'weather', request_type: 'GET', url: `${base}/weather/{city}`,
      input_schema: { type: 'object', required: ['city'], properties: { city: { type: 'string' }, days: { type: 'integer' } } },
      output_schema: { type: 'object', properties: { temp: { type: 'number' } } } });
    await tool({ name: 'echo', request_type: 'POST', url: `${base}/echo`, headers: { 'X-Api-Key': 'secret-key' } });
    await tool({ name: 'broken', request_type: 'GET', url: `${base}/fail` });
    await tool({ name: 'slow', request_type: 'GET', url: `${base}/slow`, timeout_ms: 300 });
    await tool({ name: 'nowhere', request_type: 'GET', url: 'http://127.0.0.1:9/x' });
    const user = d.token('--sub', 'alice', '--scope', 'mcp');
    transport = new StreamableHTTPClientTransport(new URL(`${d.base}/mcp`), { requestInit: { headers: { authorization: `Bearer ${user}` } } });
    client = new Client({ name: 'rest-e2e', version: '1' });
    await client.connect(transport);
  });
  after(async () => {
    await client?.close();
    await d.cleanup();
    await rest?.close();
  });

  test('GET with a path parameter (encoded) and a query; structuredContent from the output schema', async () => {
    const r = await client.callTool({ name: 'weather', arguments: { city: 'São Paulo', days: 3 } });
    assert.equal(r.isError, undefined);
    assert.deepEqual(JSON.parse(r.content[0].text), { city: 'São Paulo', days: 3, temp: 21 });
    assert.deepEqual(r.structuredContent, { city: 'São Paulo', days: 3, temp: 21 });
    const seen = rest.seen.at(-1);
    assert.equal(seen.path, '/weather/S%C3%A3o%20Paulo');
    assert.deepEqual(seen.query, { days: '3' });
    // RFC 9110: the port of a non-default one is part of Host (it was left out).
    assert.equal(seen.headers.host, `127.0.0.1:${rest.port}`);
  });

  test('POST sends the arguments as a JSON body with the static headers', async () => {
    const r = await client.callTool({ name: 'echo', arguments: { text: 'hi', n: 2 } });
    assert.deepEqual(JSON.parse(r.content[0].text), { got: { text: 'hi', n: 2 }, key: 'secret-key' });
    assert.equal(r.structuredContent, undefined, 'no output schema, no structuredContent');
  });

  test('an upstream 500 is an isError result naming the status, without structuredContent', async () => {
    const r = await client.callTool({ name: 'broken', arguments: {} });
    assert.equal(r.isError, true);
    assert.match(r.content[0].text, /HTTP 500/);
    assert.equal(r.structuredContent, undefined);
  });

  test('a slow upstream is an isError result after the tool timeout', async () => {
    const started = Date.now();
    const r = await client.callTool({ name: 'slow', arguments: {} });
    assert.equal(r.isError, true);
    assert.match(r.content[0].text, /no response within 300 ms/);
    assert.ok(Date.now() - started < 1500);
  });

  test('a refused connection is an isError result', async () => {
    const r = await client.callTool({ name: 'nowhere', arguments: {} });
    assert.equal(r.isError, true);
    assert.match(r.content[0].text, /could not be reached/);
  });

  test('bad arguments and unknown tools are JSON-RPC invalid params with the reason', async () => {
    await assert.rejects(client.callTool({ name: 'weather', arguments: {} }), (e) => e.code === -32602 && /missing required argument 'city'/.test(e.message));
    await assert.rejects(client.callTool({ name: 'weather', arguments: { city: 7 } }), (e) => e.code === -32602 && /must be of type string/.test(e.message));
    await assert.rejects(client.callTool({ name: 'no_such_tool', arguments: {} }), (e) => e.code === -32602 && /Unknown tool/.test(e.message));
  });

  test('credentials reach the upstream, are never shown, and are stored only encrypted', async () => {
    const base = `http://127.0.0.1:${rest.port}`;
    const bearer = await tool({ name: 'as_bearer', request_type: 'GET', url: `${base}/whoami`, auth_type: 'bearer', credentials: { token: 'tok-XYZZY-1' } });
    await tool({ name: 'as_basic', request_type: 'GET', url: `${base}/whoami`, auth_type: 'basic', credentials: { username: 'ann', password: 'pw-PLUGH-2' } });
    await tool({ name: 'as_header', request_type: 'GET', url: `${base}/whoami`, auth_type: 'headers', credentials: { headers: { 'X-Key': 'key-FROB-3' } } });
    assert.equal(bearer.auth_type, 'bearer');
    assert.equal(bearer.has_credentials, true);
    assert.equal(JSON.stringify(bearer).includes('XYZZY'), false);
    const listed = await (await fetch(`${d.base}/v1/tools`, { headers: { authorization: `Bearer ${admin}` } })).text();
    for (const secret of ['XYZZY', 'PLUGH', 'FROB']) assert.equal(listed.includes(secret), false, secret);
    const call = async (name) => JSON.parse((await client.callTool({ name, arguments: {} })).content[0].text);
    assert.equal((await call('as_bearer')).authorization, 'Bearer tok-XYZZY-1');
    assert.equal((await call('as_basic')).authorization, `Basic ${Buffer.from('ann:pw-PLUGH-2').toString('base64')}`);
    assert.equal((await call('as_header')).key, 'key-FROB-3');
    const db = d.engine === 'postgresql'
      ? execFileSync('pg_dump', ['--data-only', d.pg.adminUrl], { encoding: 'latin1' })
      : readFileSync(join(d.dir, 'data/mcpgw.db')).toString('latin1') +
        readFileSync(join(d.dir, 'data/mcpgw.db-wal')).toString('latin1');
    for (const secret of ['XYZZY', 'PLUGH', 'FROB']) assert.equal(db.includes(secret), false, `${secret} in the database`);
    // What is stored is AES-256-GCM under the key derived from data/credentials.key ("v1" | nonce |
    // ciphertext | tag): it opens with that key to exactly the credentials given, and not without.
    const key = createHash('sha256').update(readFileSync(join(d.dir, 'data/credentials.key'), 'utf8').trimEnd()).digest();
    const hex = d.engine === 'postgresql' ? "encode(auth_secret, 'hex')" : 'hex(auth_secret)';
    const stored = Object.fromEntries(d.sql(`SELECT name || ' ' || ${hex} FROM tools WHERE name LIKE 'as_%'`)
      .trim().split('\n').map((l) => l.split(' ')).map(([n, h]) => [n, Buffer.from(h, 'hex')]));
    const open = (blob, k = key) => {
      assert.equal(blob.subarray(0, 2).toString(), 'v1');
      const decipher = createDecipheriv('aes-256-gcm', k, blob.subarray(2, 14));
      decipher.setAuthTag(blob.subarray(blob.length - 16));
      return JSON.parse(Buffer.concat([decipher.update(blob.subarray(14, blob.length - 16)), decipher.final()]).toString());
    };
    assert.deepEqual(open(stored.as_bearer), { type: 'bearer', token: 'tok-XYZZY-1' });
    assert.deepEqual(open(stored.as_basic), { type: 'basic', username: 'ann', password: 'pw-PLUGH-2' });
    assert.deepEqual(open(stored.as_header), { type: 'headers', headers: { 'X-Key': 'key-FROB-3' } });
    assert.throws(() => open(stored.as_bearer, Buffer.alloc(32)), /unable to authenticate/);
    const bad = await fetch(`${d.base}/v1/tools`, { method: 'POST', headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'half', integration_type: 'REST', url: `${base}/whoami`, auth_type: 'basic', credentials: { username: 'x' } }) });
    assert.equal(bad.status, 422);
    assert.deepEqual((await bad.json()).fields.map((f) => f.field), ['credentials.password']);
    // No admin input may smuggle extra header lines into upstream requests.
    for (const body of [
      { headers: { 'X-A': 'v\r\nX-Injected: 1' } },
      { headers: { 'Bad Name': 'v' } },
      { auth_type: 'bearer', credentials: { token: 't\nX-Injected: 1' } },
      { auth_type: 'headers', credentials: { headers: { 'X-K': 'a\rb' } } },
    ]) {
      const r = await fetch(`${d.base}/v1/tools`, { method: 'POST', headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'inject', integration_type: 'REST', url: `${base}/whoami`, ...body }) });
      assert.equal(r.status, 422, JSON.stringify(body));
    }
  });

  test('upstream connections are kept alive and reused', async () => {
    await client.callTool({ name: 'echo', arguments: { warm: true } });
    const before = rest.stats.connections;
    for (let i = 0; i < 5; i++) await client.callTool({ name: 'echo', arguments: { i } });
    assert.equal(rest.stats.connections, before, 'five sequential calls, no new upstream connection');
  });
});
