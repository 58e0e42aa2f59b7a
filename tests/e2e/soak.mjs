// The soak driver behind scripts/soak.sh: runs the built daemon for MINUTES under a mixed workload
// and writes one CSV row per SAMPLE_SECONDS: the daemon's RSS, open descriptors, CPU, and the
// calls and errors of each kind of work since the last row.
//   node tests/e2e/soak.mjs MINUTES OUT.csv [SAMPLE_SECONDS]
// Work, all at once: legacy sessions relaying tools/call to an upstream MCP server and calling a
// REST tool, reconnecting every 100 calls; modern (2026-07-28) stateless calls; admin writes
// (a REST tool created and deleted, so every session gets list_changed); GET streams that break
// and resume with Last-Event-ID. An error is any answer that is not the expected one.
import http from 'node:http';
import { writeFileSync, appendFileSync } from 'node:fs';
import { Daemon } from './lib/daemon.mjs';
import { startFaultyUpstream } from './lib/faulty_upstream.mjs';
import { initialize, mcpHeaders, openSse, post } from './lib/mcp.mjs';
import { cpuTicks, openFds, rssKiB } from './lib/proc.mjs';
import { sleep } from './lib/wait.mjs';

const minutes = Number(process.argv[2] ?? 30);
const out = process.argv[3] ?? 'bench/out/soak.csv';
const sampleSeconds = Number(process.argv[4] ?? 60);
const MODERN = '2026-07-28';

const rest = http.createServer((req, res) => {
  req.resume();
  req.on('end', () => { res.writeHead(200, { 'content-type': 'application/json' }); res.end('{"temp":21}'); });
});
await new Promise((r) => rest.listen(0, '127.0.0.1', r));
const up = await startFaultyUpstream();
const d = new Daemon({ server: { workers: 2 }, logging: { access_log: false }, transport: { session_idle_ttl: '30s', event_store: 'database' } });
await d.start();
const admin = d.token('--sub', 'root', '--scope', 'admin');
const user = d.token('--sub', 'soak', '--scope', 'mcp');
const adminApi = (method, path, body) => fetch(`${d.base}${path}`, {
  method, headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' }, body: body && JSON.stringify(body) });
await adminApi('POST', '/v1/gateways', { name: 'Up', url: up.url });
await adminApi('POST', '/v1/tools', { integration_type: 'REST', name: 'weather', request_type: 'GET', url: `http://127.0.0.1:${rest.address().port}/weather` });

const counts = {};
const count = (kind, ok) => {
  const c = (counts[kind] ??= { calls: 0, errors: 0 });
  c.calls += 1;
  if (!ok) c.errors += 1;
};
const kinds = ['relay', 'rest', 'modern', 'admin', 'resume'];
const deadline = Date.now() + minutes * 60000;
const running = () => Date.now() < deadline;

async function legacyWorker() {
  while (running()) {
    let s;
    try { s = await initialize(`${d.base}/mcp`, user); } catch { count('relay', false); await sleep(100); continue; }
    for (let i = 0; i < 100 && running(); i++) {
      const name = i % 2 ? 'weather' : 'up__ok';
      const r = await post(`${d.base}/mcp`, user, { jsonrpc: '2.0', id: i, method: 'tools/call', params: { name, arguments: {} } }, s.headers).catch(() => null);
      const text = r?.json?.result?.content?.[0]?.text ?? (r?.text.match(/"text":"([^"]*)"/)?.[1]);
      count(i % 2 ? 'rest' : 'relay', r?.status === 200 && (i % 2 ? /temp/.test(r.text) : text === 'ok'));
    }
    await fetch(`${d.base}/mcp`, { method: 'DELETE', headers: { authorization: `Bearer ${user}`, ...s.headers } }).catch(() => {});
  }
}

async function modernWorker() {
  let id = 0;
  while (running()) {
    const body = { jsonrpc: '2.0', id: ++id, method: 'tools/call', params: { name: 'up__ok', arguments: {}, _meta: {
      'io.modelcontextprotocol/protocolVersion': MODERN, 'io.modelcontextprotocol/clientCapabilities': {},
      'io.modelcontextprotocol/clientInfo': { name: 'soak', version: '1' } } } };
    const r = await fetch(`${d.base}/mcp`, { method: 'POST', body: JSON.stringify(body), headers: {
      authorization: `Bearer ${user}`, 'content-type': 'application/json', accept: 'application/json, text/event-stream',
      'mcp-protocol-version': MODERN, 'mcp-method': 'tools/call', 'mcp-name': 'up__ok' } }).catch(() => null);
    const text = r ? await r.text() : '';
    count('modern', r?.status === 200 && text.includes('"text":"ok"'));
  }
}

async function adminWorker() {
  let n = 0;
  while (running()) {
    const c = await adminApi('POST', '/v1/tools', { integration_type: 'REST', name: `churn_${n++}`, request_type: 'GET', url: `http://127.0.0.1:${rest.address().port}/x` }).catch(() => null);
    const id = c?.status === 201 ? (await c.json()).id : null;
    const del = id ? await adminApi('DELETE', `/v1/tools/${id}`).catch(() => null) : null;
    count('admin', del?.status === 204);
    await sleep(2000);
  }
}

// A GET stream sees a list_changed (the admin worker's writes), breaks, resumes after it.
async function resumeWorker() {
  while (running()) {
    let ok = false;
    try {
      const s = await initialize(`${d.base}/mcp`, user);
      const first = await openSse(`${d.base}/mcp`, { headers: mcpHeaders(user, s.headers) });
      const e1 = await first.next({ timeoutMs: 10000 });
      first.close();
      const again = await openSse(`${d.base}/mcp`, { headers: mcpHeaders(user, { ...s.headers, 'last-event-id': e1.id }) });
      const e2 = await again.next({ timeoutMs: 10000 });
      again.close();
      const [sid, stream, seq] = e1.id.split('.');
      ok = e2.id === `${sid}.${stream}.${Number(seq) + 1}`;
      await fetch(`${d.base}/mcp`, { method: 'DELETE', headers: { authorization: `Bearer ${user}`, ...s.headers } });
    } catch { ok = false; }
    count('resume', ok);
  }
}

const ticks = () => cpuTicks(d.proc.pid);
const rss = () => rssKiB(d.proc.pid);
writeFileSync(out, `minute,rss_kib,fds,cpu_pct,${kinds.flatMap((k) => [`${k}_calls`, `${k}_errors`]).join(',')}\n`);
const started = Date.now();
async function sampler() {
  let last = ticks();
  while (running()) {
    await sleep(sampleSeconds * 1000);
    const now = ticks();
    const row = [((Date.now() - started) / 60000).toFixed(2), rss(), openFds(d.proc.pid),
      ((now - last) / sampleSeconds).toFixed(1), ...kinds.flatMap((k) => [counts[k]?.calls ?? 0, counts[k]?.errors ?? 0])];
    last = now;
    for (const k of kinds) counts[k] = { calls: 0, errors: 0 };
    up.state.calls.length = 0;  // the upstream's own record would grow for the whole run
    appendFileSync(out, `${row.join(',')}\n`);
    console.log(row.join(','));
  }
}

await Promise.all([sampler(), ...Array.from({ length: 4 }, legacyWorker), ...Array.from({ length: 2 }, modernWorker), adminWorker(), resumeWorker()]);
await up.stop();
rest.close();
await d.cleanup();  // fails (and exits non-zero) on a crash, a hang at shutdown or a sanitizer report
console.log(`soak: ${minutes} min, samples in ${out}`);
