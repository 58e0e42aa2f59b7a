// Issue 2 acceptance: the daemon's front door, auth, limits and shutdown, seen from outside.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Daemon, rawExchange, statusOf, binary, repoRoot } from './lib/daemon.mjs';

describe('front door', () => {
  const d = new Daemon({
    server: { max_body_bytes: 4096, max_header_bytes: 2048, read_timeout: '700ms' },
  });
  let admin, mcpOnly;
  before(async () => {
    await d.start();
    admin = d.token('--sub', 'root', '--scope', 'admin');
    mcpOnly = d.token('--sub', 'agent', '--scope', 'mcp');
  });
  after(() => d.cleanup());

  test('/health, /ready and /version are open and JSON', async () => {
    const h = await fetch(`${d.base}/health`);
    assert.equal(h.status, 200);
    assert.match(h.headers.get('content-type'), /^application\/json/);
    assert.deepEqual(await h.json(), { status: 'ok' });
    assert.ok(h.headers.get('date'));
    assert.ok(h.headers.get('x-request-id'));
    const r = await fetch(`${d.base}/ready`);
    assert.equal(r.status, 200);
    assert.deepEqual(await r.json(), { status: 'ready' });
    const v = await (await fetch(`${d.base}/version`)).json();
    assert.equal(v.name, 'mcpgw');
    assert.match(v.version, /^\d+\.\d+\.\d+$/);
  });

  test('no token: 401 with WWW-Authenticate: Bearer and a JSON error', async () => {
    const res = await fetch(`${d.base}/v1/whoami`);
    assert.equal(res.status, 401);
    // RFC 9728: the challenge names the gateway's metadata (whoami needs no scope: none named).
    assert.equal(res.headers.get('www-authenticate'),
      `Bearer resource_metadata="${d.base}/.well-known/oauth-protected-resource"`);
    const body = await res.json();
    assert.equal(body.error, 'unauthorized');
    assert.ok(body.detail);
  });

  test('bad token: 401 with error="invalid_token"; token in the query string is not read', async () => {
    const res = await fetch(`${d.base}/v1/whoami`, { headers: { authorization: 'Bearer not.a.jwt' } });
    assert.equal(res.status, 401);
    assert.equal(res.headers.get('www-authenticate'),
      `Bearer error="invalid_token", resource_metadata="${d.base}/.well-known/oauth-protected-resource"`);
    const q = await fetch(`${d.base}/v1/whoami?access_token=${admin}`);
    assert.equal(q.status, 401);
    // Both requests' access lines are written (flushed) before the log is searched for the token.
    await d.waitForLog(`rid=${res.headers.get('x-request-id')}`);
    await d.waitForLog(`rid=${q.headers.get('x-request-id')}`);
    assert.ok(!d.log.includes(admin), 'a token must never reach the log');
  });

  test('minted token: 200 with the principal', async () => {
    const res = await fetch(`${d.base}/v1/whoami`, { headers: { authorization: `Bearer ${admin}` } });
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { subject: 'root', scopes: ['admin'], servers: [], token_kind: 'jwt' });
  });

  test('valid token without the scope: 403 insufficient_scope', async () => {
    const res = await fetch(`${d.base}/v1/tokens`, { headers: { authorization: `Bearer ${mcpOnly}` } });
    assert.equal(res.status, 403);
    assert.match(res.headers.get('www-authenticate'), /error="insufficient_scope"/);
    assert.equal((await res.json()).error, 'forbidden');
  });

  test('opaque API token: created once, works, revoked, refused', async () => {
    const auth = { authorization: `Bearer ${admin}`, 'content-type': 'application/json' };
    const created = await fetch(`${d.base}/v1/tokens`, {
      method: 'POST', headers: auth, body: JSON.stringify({ name: 'e2e', subject: 'bot', scopes: ['mcp'] }),
    });
    assert.equal(created.status, 201);
    const t = await created.json();
    assert.match(t.token, /^mcpgw_[0-9a-f]{64}$/);
    const who = await fetch(`${d.base}/v1/whoami`, { headers: { authorization: `Bearer ${t.token}` } });
    assert.deepEqual(await who.json(), { subject: 'bot', scopes: ['mcp'], servers: [], token_kind: 'api_token' });
    const list = await (await fetch(`${d.base}/v1/tokens`, { headers: auth })).json();
    assert.ok(list.items.some((i) => i.id === t.id && !('token' in i) && !('token_hash' in i)));
    const del = await fetch(`${d.base}/v1/tokens/${t.id}`, { method: 'DELETE', headers: auth });
    assert.equal(del.status, 204);
    const after = await fetch(`${d.base}/v1/whoami`, { headers: { authorization: `Bearer ${t.token}` } });
    assert.equal(after.status, 401);
    assert.equal((await after.json()).detail, 'token has been revoked');
    const again = await fetch(`${d.base}/v1/tokens/${t.id}`, { method: 'DELETE', headers: auth });
    assert.equal(again.status, 404);
  });

  test('admin validation: 422 names the field, 415 wrong type, 400 bad JSON', async () => {
    const auth = { authorization: `Bearer ${admin}` };
    const bad = await fetch(`${d.base}/v1/tokens`, {
      method: 'POST', headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ subject: 'x', scopes: ['root'] }),
    });
    assert.equal(bad.status, 422);
    const body = await bad.json();
    assert.deepEqual(body.fields, [{ field: 'scopes', message: "unknown scope 'root' (admin, mcp)" }]);
    const wrongType = await fetch(`${d.base}/v1/tokens`, { method: 'POST', headers: { ...auth, 'content-type': 'text/plain' }, body: '{}' });
    assert.equal(wrongType.status, 415);
    const junk = await fetch(`${d.base}/v1/tokens`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: '{"a":' });
    assert.equal(junk.status, 400);
  });

  test('unknown route 404, wrong method 405 with Allow', async () => {
    assert.equal((await fetch(`${d.base}/nope`)).status, 404);
    const res = await fetch(`${d.base}/health`, { method: 'POST', body: 'x' });
    assert.equal(res.status, 405);
    assert.equal(res.headers.get('allow'), 'GET');
  });

  test('oversized body: 413 (declared length and chunked)', async () => {
    const res = await fetch(`${d.base}/v1/tokens`, {
      method: 'POST', headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
      body: 'x'.repeat(5000),
    });
    assert.equal(res.status, 413);
    assert.equal((await res.json()).error, 'body_too_large');
    const chunk = 'x'.repeat(3000);
    const raw = await rawExchange(d.port, [
      'POST /v1/tokens HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n',
      `${chunk.length.toString(16)}\r\n${chunk}\r\n`, `${chunk.length.toString(16)}\r\n${chunk}\r\n`, '0\r\n\r\n',
    ], { gapMs: 20 });
    assert.equal(statusOf(raw), 413);
  });

  test('oversized headers: 431', async () => {
    const raw = await rawExchange(d.port, `GET /health HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(3000)}\r\n\r\n`);
    assert.equal(statusOf(raw), 431);
  });

  test('malformed request line: 400, and the daemon keeps serving', async () => {
    for (const junk of ['GARBAGE\r\n\r\n', 'GET /health HTTP/9.9\r\n\r\n', 'GET\r\n\r\n', '\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03']) {
      const raw = await rawExchange(d.port, junk);
      assert.equal(statusOf(raw), 400, `for ${JSON.stringify(junk)}: ${raw}`);
      assert.match(raw, /Connection: close/i);
    }
    assert.equal((await fetch(`${d.base}/health`)).status, 200);
  });

  test('slow client: 408 after the read timeout, then closed', async () => {
    const started = Date.now();
    const raw = await rawExchange(d.port, 'GET /health HTTP/1.1\r\nHost: x\r\n');
    assert.equal(statusOf(raw), 408);
    assert.ok(Date.now() - started >= 600, 'not before the read timeout');
  });

  test('keep-alive: several requests on one connection', async () => {
    const req = 'GET /health HTTP/1.1\r\nHost: x\r\n\r\n';
    const raw = await rawExchange(d.port, [req, req, 'GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'], { gapMs: 30 });
    assert.equal(raw.match(/HTTP\/1\.1 200 OK/g).length, 3);
  });

  test('HEAD /health: headers only', async () => {
    const res = await fetch(`${d.base}/health`, { method: 'HEAD' });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-length'), '15');
    assert.equal(await res.text(), '');
  });

  test('one access-log line per request, no secrets', async () => {
    await fetch(`${d.base}/version?secret=hunter2`, { headers: { 'x-request-id': 'e2e-trace-42' } });
    await fetch(`${d.base}/health`, { headers: { 'x-request-id': 'e2e-trace-43' } });
    // The later request's line is there, so the earlier one's (written first) had its chance too.
    await d.waitForLog('rid=e2e-trace-43');
    const lines = d.log.split('\n').filter((l) => l.includes('rid=e2e-trace-42'));
    assert.equal(lines.length, 1, d.log);
    assert.match(lines[0], /\[access\] GET \/version 200 \d+ \d+us rid=e2e-trace-42/);
    assert.ok(!d.log.includes('hunter2'));
  });
});

describe('limits and modes', () => {
  test('connections over server.max_connections get 503 and the rest still work', async (t) => {
    const d = new Daemon({ server: { max_connections: 2 } });
    t.after(() => d.cleanup());
    await d.start();
    const open = [];
    for (let i = 0; i < 2; i++) {
      const s = net.connect(d.port, '127.0.0.1');
      await new Promise((r) => s.on('connect', r));
      open.push(s);
    }
    await new Promise((r) => setTimeout(r, 100));
    const raw = await rawExchange(d.port, 'GET /health HTTP/1.1\r\nHost: x\r\n\r\n');
    assert.equal(statusOf(raw), 503);
    assert.match(raw, /Retry-After: 1/i);
    open.forEach((s) => s.destroy());
    await new Promise((r) => setTimeout(r, 200));
    assert.equal((await fetch(`${d.base}/health`)).status, 200);
  });

  test('auth.required: false lets requests in and warns at start', async (t) => {
    const d = new Daemon({ auth: { required: false } });
    t.after(() => d.cleanup());
    await d.start();
    const res = await fetch(`${d.base}/v1/whoami`);
    assert.equal(res.status, 200);
    assert.equal((await res.json()).subject, 'anonymous');
    assert.match(d.log, /warn.*auth\.required is false/);
  });

  test('logging.format: json writes one JSON object per line, access lines with fields', async (t) => {
    const d = new Daemon({ logging: { format: 'json' } });
    t.after(() => d.cleanup());
    await d.start();
    await fetch(`${d.base}/health?token=hunter2`, { headers: { 'x-request-id': 'json-1' } });
    await d.waitForLog('"request_id":"json-1"');
    const lines = d.log.trim().split('\n').map((l) => JSON.parse(l));
    assert.ok(lines.every((l) => l.ts && l.level && l.logger));
    const access = lines.find((l) => l.logger === 'access' && l.request_id === 'json-1');
    assert.ok(access, d.log);
    assert.equal(access.method, 'GET');
    assert.equal(access.path, '/health');
    assert.equal(access.status, 200);
    assert.equal(access.bytes, 15);
    assert.equal(typeof access.duration_us, 'number');
    assert.equal(access.subject, null);
    assert.match(access.peer, /^127\.0\.0\.1:\d+$/);
    assert.ok(lines.some((l) => l.logger === 'mcpgw' && /listening on/.test(l.msg)));
    assert.ok(!d.log.includes('hunter2'));
  });

  test('first start generates a secret and logs the exact command for an admin token', async (t) => {
    const d = new Daemon();
    t.after(() => d.cleanup());
    await d.start();
    const m = /Mint an admin token with: (.*)$/m.exec(d.log);
    assert.ok(m, d.log);
    const [cmd, ...args] = m[1].trim().split(' ');
    const token = execFileSync(cmd, args, { encoding: 'utf8' }).trim();
    const res = await fetch(`${d.base}/v1/tokens`, { headers: { authorization: `Bearer ${token}` } });
    assert.equal(res.status, 200);
  });

  test('bad configuration: exit 1 with one line naming the key', async () => {
    const d = new Daemon({ server: { port: 'eighty' } });
    try {
      const r = spawnSync(binary, ['serve', '-c', d.configPath], { encoding: 'utf8' });
      assert.equal(r.status, 1);
      assert.match(r.stderr, /^mcpgw: .*mcpgw\.yaml:\d+: server\.port: /);
      assert.equal(r.stderr.trim().split('\n').length, 1);
    } finally { await d.cleanup(); }
  });

  test('SIGTERM while it is still starting: it drains once it can and exits 0', async (t) => {
    // Before the signal handling existed a SIGTERM took the default action (killed by signal):
    // seen when a cluster test stopped a node right after it listened.
    const d = new Daemon();
    t.after(() => d.cleanup());
    const proc = spawn(binary, ['serve', '-c', d.configPath], { stdio: ['ignore', 'pipe', 'pipe'] });
    let log = '';
    const exit = new Promise((r) => proc.on('close', (code, signal) => r({ code, signal })));
    await new Promise((resolve) => {
      let sent = false;
      const on = (b) => {
        log += b.toString();
        if (!sent && /starting; config/.test(log)) { sent = true; proc.kill('SIGTERM'); resolve(); }
      };
      proc.stdout.on('data', on);
      proc.stderr.on('data', on);
    });
    assert.deepEqual(await exit, { code: 0, signal: null }, log);
  });

  test('port in use: exit 1 with one clear line', async (t) => {
    const a = new Daemon();
    t.after(() => a.cleanup());
    await a.start();
    const b = new Daemon({ server: { port: a.port } });
    try {
      const r = spawnSync(binary, ['serve', '-c', b.configPath], { encoding: 'utf8' });
      assert.equal(r.status, 1);
      assert.match(r.stderr, new RegExp(`mcpgw: cannot listen on 127\\.0\\.0\\.1:${a.port}`));
    } finally { await b.cleanup(); }
  });

  test('registrations survive a restart', async (t) => {
    const d = new Daemon();
    t.after(() => d.cleanup());
    await d.start();
    const admin = d.token('--sub', 'root', '--scope', 'admin');
    const created = await (await fetch(`${d.base}/v1/tokens`, {
      method: 'POST', headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
      body: JSON.stringify({ subject: 'bot', scopes: ['mcp'] }),
    })).json();
    assert.deepEqual(await d.stop(), { code: 0, signal: null });
    await d.start();
    const who = await fetch(`${d.base}/v1/whoami`, { headers: { authorization: `Bearer ${created.token}` } });
    assert.equal(who.status, 200);
    // The second start migrates nothing and reports the newest schema.
    const newest = readdirSync(join(repoRoot, 'migrations', d.engine)).filter((f) => /^\d{4}_.*\.sql$/.test(f)).length;
    assert.match(d.log, new RegExp(`at schema version ${newest}\\b`));
    assert.doesNotMatch(d.log, /migrated from/);
  });
});

describe('graceful shutdown', () => {
  test('SIGTERM finishes the in-flight request, refuses new connections, exits 0', async (t) => {
    const d = new Daemon();
    t.after(() => d.cleanup());
    await d.start();
    const admin = d.token('--sub', 'root', '--scope', 'admin');
    const body = JSON.stringify({ subject: 'late', scopes: ['mcp'] });
    const port = d.port;
    // The request's headers and half its body are in; the rest comes after SIGTERM.
    const sock = net.connect(port, '127.0.0.1');
    await new Promise((r) => sock.on('connect', r));
    let response = '';
    sock.setEncoding('utf8');
    sock.on('data', (c) => { response += c; });
    const closed = new Promise((r) => sock.on('close', r));
    sock.write(`POST /v1/tokens HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${admin}\r\n` +
      `Content-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body.slice(0, 10)}`);
    await new Promise((r) => setTimeout(r, 200));
    // An idle keep-alive connection must not hold the shutdown up.
    const idle = net.connect(port, '127.0.0.1');
    await new Promise((r) => idle.on('connect', r));
    const idleClosed = new Promise((r) => idle.on('close', r));
    idle.on('error', () => {});
    d.proc.kill('SIGTERM');
    await idleClosed;
    await new Promise((r) => setTimeout(r, 200));
    await assert.rejects(fetch(`http://127.0.0.1:${port}/health`), 'no new connections while draining');
    sock.write(body.slice(10));
    await closed;
    assert.equal(statusOf(response), 201, response);
    assert.match(response, /Connection: close/i);
    assert.match(response, /"subject":"late"/);
    assert.deepEqual(await d.exit, { code: 0, signal: null });
    assert.match(d.log, /drained; exiting/);
  });

  test('a request still running after shutdown_grace is cut, and the daemon exits', async (t) => {
    const d = new Daemon({ server: { shutdown_grace: '300ms' } });
    t.after(() => d.cleanup());
    await d.start();
    const sock = net.connect(d.port, '127.0.0.1');
    await new Promise((r) => sock.on('connect', r));
    sock.on('error', () => {});
    sock.write('POST /v1/tokens HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nabc');
    await new Promise((r) => setTimeout(r, 100));
    const started = Date.now();
    d.proc.kill('SIGTERM');
    const result = await d.exit;
    assert.equal(result.code, 0);
    assert.ok(Date.now() - started < 5000);
    assert.match(d.log, /shutdown grace over: cutting 1 connection/);
    sock.destroy();
  });
});
