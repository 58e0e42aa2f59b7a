// Issue 14 item 8: CORS for browser clients. A page served from one loopback origin, in a real
// headless Chromium (Debian chromium), calls the MCP endpoint and the admin API of mcpgw on
// another: the preflight is answered, the response headers the client needs are exposed, and an
// origin not allowed is refused before any request is made.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Daemon } from './lib/daemon.mjs';
import { until } from './lib/wait.mjs';

// The page: initialize on /mcp (JSON), read the session header, call /v1/whoami; report back.
const page = (gateway, token) => `<!doctype html><script>
(async () => {
  const out = {};
  try {
    const r = await fetch('${gateway}/mcp', { method: 'POST', headers: {
      authorization: 'Bearer ${token}', 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'browser', version: '1' } } }) });
    out.status = r.status;
    out.session = r.headers.get('mcp-session-id');
    out.version = (await r.json()).result?.protocolVersion;
    const w = await fetch('${gateway}/v1/whoami', { headers: { authorization: 'Bearer ${token}' } });
    out.whoami = (await w.json()).subject;
    const u = await fetch('${gateway}/v1/whoami');
    out.challenge = u.headers.get('www-authenticate');
  } catch (e) { out.error = String(e); }
  await fetch('/result', { method: 'POST', body: JSON.stringify(out) });
})();
</script>`;

test('a browser page on an allowed origin uses /mcp and the admin API; another origin is refused', async (t) => {
  const results = [];
  let gateway = '', token = '';
  const site = http.createServer((req, res) => {
    if (req.url === '/result') {
      let body = '';
      req.on('data', (c) => { body += c; });
      req.on('end', () => { results.push({ host: req.headers.host, ...JSON.parse(body) }); res.end(); });
      return;
    }
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end(page(gateway, token));
  });
  await new Promise((r) => site.listen(0, '127.0.0.1', r));
  const sitePort = site.address().port;
  t.after(() => site.close());

  const d = new Daemon({ transport: { allowed_origins: [`http://127.0.0.1:${sitePort}`] } });
  t.after(() => d.cleanup());
  await d.start();
  gateway = d.base;
  token = d.token('--sub', 'browser-user', '--scope', 'admin,mcp');

  // The preflight as curl sees it.
  const pre = await fetch(`${d.base}/mcp`, { method: 'OPTIONS', headers: {
    origin: `http://127.0.0.1:${sitePort}`, 'access-control-request-method': 'POST',
    'access-control-request-headers': 'authorization, content-type, mcp-protocol-version, x-evil' } });
  assert.equal(pre.status, 204);
  assert.equal(pre.headers.get('access-control-allow-origin'), `http://127.0.0.1:${sitePort}`);
  assert.match(pre.headers.get('access-control-allow-methods'), /POST/);
  assert.equal(pre.headers.get('access-control-allow-headers'), 'authorization, content-type, mcp-protocol-version');
  const refused = await fetch(`${d.base}/mcp`, { method: 'OPTIONS', headers: { origin: 'http://evil.example', 'access-control-request-method': 'POST' } });
  assert.equal(refused.status, 403);

  const dir = mkdtempSync(join(tmpdir(), 'mcpgw-chromium-'));
  const browsers = [];
  // Chromium's helpers (zygote, renderer, GPU) are in its process group: all of it goes.
  const end = (c) => { try { process.kill(-c.pid, 'SIGKILL'); } catch { /* gone */ } };
  t.after(async () => {
    browsers.forEach(end);
    await Promise.all(browsers.map((c) => (c.exitCode !== null || c.signalCode !== null ? null : new Promise((r) => c.on('exit', r)))));
    rmSync(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
  });
  const browse = (url) => {
    // Loopback only: everything else goes to a proxy that is not there.
    const c = spawn('chromium', ['--headless=new', '--no-sandbox', '--disable-gpu', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-default-apps',
      '--proxy-server=http://127.0.0.1:9', `--user-data-dir=${dir}`, url], { stdio: 'ignore', detached: true });
    browsers.push(c);
    return c;
  };
  const allowed = browse(`http://127.0.0.1:${sitePort}/`);
  await until(() => results.length >= 1, 'the allowed page reports', { timeoutMs: 30000, everyMs: 100 });
  end(allowed);
  const ok = results[0];
  assert.equal(ok.error, undefined, JSON.stringify(ok));
  assert.equal(ok.status, 200);
  assert.match(ok.session, /^[0-9a-f-]{16,}$/i, 'Mcp-Session-Id is exposed to the page');
  assert.equal(ok.version, '2025-11-25');
  assert.equal(ok.whoami, 'browser-user');
  assert.match(ok.challenge, /resource_metadata=/, 'WWW-Authenticate is exposed to the page');

  // The same page on localhost: an origin the gateway was not told to allow.
  const other = browse(`http://localhost:${sitePort}/`);
  await until(() => results.length >= 2, 'the other page reports', { timeoutMs: 30000, everyMs: 100 });
  end(other);
  assert.match(results[1].error ?? '', /Failed to fetch|TypeError/, JSON.stringify(results[1]));
});
