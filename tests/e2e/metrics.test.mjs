// Issue 14 item 5: /metrics in the Prometheus text format, scraped by a real Prometheus (Debian
// prometheus, on loopback) and checked by promtool; the values move as requests are made.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { freePort } from './lib/daemon.mjs';
import { daemonWithFa } from './lib/fidelity_upstream.mjs';
import { until } from './lib/wait.mjs';

// One sample's value from a scrape (the first line of that name and those labels), or undefined.
function sample(text, name, labels = {}) {
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue;
    const m = /^([a-z_]+)(\{[^}]*\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const have = Object.fromEntries([...(m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((x) => [x[1], x[2]]));
    if (Object.entries(labels).every(([k, v]) => have[k] === v)) return Number(m[3]);
  }
  return undefined;
}

test('/metrics: guarded, valid under promtool, moving with requests, scraped by Prometheus', async (t) => {
  const { d, user } = await daemonWithFa(t, {});
  const scraper = d.token('--sub', 'prometheus', '--scope', 'metrics');
  const scrape = async (token = scraper) => {
    const res = await fetch(`${d.base}/metrics`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
    return { status: res.status, type: res.headers.get('content-type'), text: await res.text() };
  };
  assert.equal((await scrape(null)).status, 401);
  assert.equal((await scrape(user)).status, 403);
  const admin = d.token('--sub', 'ops', '--scope', 'admin');
  assert.equal((await scrape(admin)).status, 200);
  const before = await scrape();
  assert.equal(before.status, 200);
  assert.equal(before.type, 'text/plain; version=0.0.4; charset=utf-8');
  const calls = (text) => sample(text, 'mcpgw_mcp_requests_total', { method: 'tools/call', outcome: 'ok' }) ?? 0;

  const client = new Client({ name: 'e2e-metrics', version: '1' });
  await client.connect(new StreamableHTTPClientTransport(new URL(`${d.base}/mcp`), {
    requestInit: { headers: { authorization: `Bearer ${user}` } },
  }));
  for (let i = 0; i < 3; i++) await client.callTool({ name: 'fa__all_content', arguments: {} });
  await assert.rejects(client.callTool({ name: 'fa__no_such', arguments: {} }).then((r) => { if (r.isError) throw new Error('isError'); }));
  const after = await scrape();
  assert.equal(calls(after.text) - calls(before.text), 3);
  assert.ok(sample(after.text, 'mcpgw_http_requests_total', { method: 'POST', route: '/mcp', status: '2xx' }) >= 5);
  assert.ok(sample(after.text, 'mcpgw_http_requests_total', { method: 'GET', route: '/metrics', status: '4xx' }) >= 2);
  assert.ok(sample(after.text, 'mcpgw_upstream_request_duration_seconds_count', { gateway: 'fa' }) >= 3);
  assert.ok(sample(after.text, 'mcpgw_mcp_request_duration_seconds_bucket', { method: 'tools/call', le: '+Inf' }) >= 4);
  assert.equal(sample(after.text, 'mcpgw_sessions'), 1);
  assert.equal(sample(after.text, 'mcpgw_node_info', { version: JSON.parse(await (await fetch(`${d.base}/version`)).text()).version }), 1);
  // No label carries request data: no session ids, no raw paths.
  const sid = client.transport.sessionId;
  assert.ok(sid && !after.text.includes(sid));
  for (const line of after.text.split('\n'))
    for (const m of line.matchAll(/route="([^"]*)"/g)) assert.ok(['(unmatched)'].includes(m[1]) || m[1].startsWith('/'), m[1]);

  const check = spawnSync('promtool', ['check', 'metrics'], { input: after.text, encoding: 'utf8' });
  assert.equal(check.status, 0, `promtool: ${check.stdout}${check.stderr}`);

  // A real Prometheus scrapes it every second with the scraper token.
  const dir = mkdtempSync(join(tmpdir(), 'mcpgw-prom-'));
  const promPort = await freePort();
  writeFileSync(join(dir, 'token'), scraper);
  writeFileSync(join(dir, 'prometheus.yml'), [
    'global: { scrape_interval: 1s, evaluation_interval: 1s }',
    'scrape_configs:',
    '  - job_name: mcpgw',
    '    metrics_path: /metrics',
    `    authorization: { credentials_file: ${join(dir, 'token')} }`,
    `    static_configs: [{ targets: ['127.0.0.1:${d.port}'] }]`,
  ].join('\n'));
  const prom = spawn('prometheus', [`--config.file=${join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(dir, 'data')}`,
    `--web.listen-address=127.0.0.1:${promPort}`, '--log.level=warn'], { stdio: ['ignore', 'ignore', 'pipe'] });
  let promLog = '';
  prom.stderr.on('data', (c) => { promLog += c; });
  t.after(() => { prom.kill('SIGKILL'); rmSync(dir, { recursive: true, force: true }); });
  const query = async (q) => {
    const res = await fetch(`http://127.0.0.1:${promPort}/api/v1/query?query=${encodeURIComponent(q)}`);
    const body = await res.json();
    return body.data?.result ?? [];
  };
  await until(async () => {
    try { return (await query('up{job="mcpgw"}'))[0]?.value[1] === '1'; } catch { return false; }
  }, `Prometheus scraping mcpgw: ${promLog}`, { timeoutMs: 20000, everyMs: 250 });
  const seen = async () => Number((await query('sum(mcpgw_mcp_requests_total{method="tools/call",outcome="ok"})'))[0]?.value[1] ?? -1);
  await until(async () => (await seen()) === 3, 'Prometheus sees the 3 calls', { timeoutMs: 10000, everyMs: 250 });
  await client.callTool({ name: 'fa__all_content', arguments: {} });
  await until(async () => (await seen()) === 4, 'Prometheus sees the 4th call', { timeoutMs: 10000, everyMs: 250 });
  await client.close();
});
