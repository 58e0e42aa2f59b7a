// mcpgw on PostgreSQL when the database goes away and comes back (issue 13): what needs the
// database answers 503 with Retry-After meanwhile, what does not (the MCP catalog, /health)
// carries on, nothing crashes, and everything works again once the database is back, without a
// restart of mcpgw. The cluster is this test's own: stopping the run's shared one would fail
// every other suite.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Daemon, postgresDatabase, repoRoot } from './lib/daemon.mjs';
import { initialize, post } from './lib/mcp.mjs';
import { slowdown } from './lib/proc.mjs';
import { until } from './lib/wait.mjs';

const pgCluster = (...args) => execFileSync(join(repoRoot, 'scripts/pg_cluster.sh'), args,
  { encoding: 'utf8', env: { ...process.env, PG_FSYNC: 'off' } }).trim();

describe('the database goes away and comes back', () => {
  test('503 with Retry-After while PostgreSQL is down, the catalog still served, full recovery after', async (t) => {
    const pgDir = mkdtempSync(join(tmpdir(), 'mcpgw-pg-outage-'));
    t.after(() => { try { pgCluster('stop', pgDir); } catch { /* gone */ } rmSync(pgDir, { recursive: true, force: true }); });
    pgCluster('start', pgDir);
    const dir = mkdtempSync(join(tmpdir(), 'mcpgw-e2e-'));
    const db = postgresDatabase(pgCluster('url', pgDir), dir, 'outage');
    const d = new Daemon({
      database: { url: db.url, password_file: db.passwordFile, connect_timeout: '2s' },
    }, { pg: db });
    t.after(async () => { await d.cleanup(); rmSync(dir, { recursive: true, force: true }); });
    await d.start();
    const root = d.token('--sub', 'root', '--scope', 'admin');
    const agent = d.token('--sub', 'agent', '--scope', 'mcp');
    const auth = (token) => ({ authorization: `Bearer ${token}`, 'content-type': 'application/json' });
    const create = (name) => fetch(`${d.base}/v1/tools`, { method: 'POST', headers: auth(root),
      body: JSON.stringify({ name, integration_type: 'REST', url: 'http://127.0.0.1:9/x' }) });
    assert.equal((await create('before')).status, 201);
    const apiToken = (await (await fetch(`${d.base}/v1/tokens`, { method: 'POST', headers: auth(root),
      body: JSON.stringify({ subject: 'bot', scopes: ['mcp'] }) })).json()).token;
    const s = await initialize(`${d.base}/mcp`, agent);
    const toolsList = () => post(`${d.base}/mcp`, agent, { jsonrpc: '2.0', id: 1, method: 'tools/list' }, s.headers);

    // Load throughout: admin reads (each a query) and MCP lists (the in-memory catalog).
    const seen = { admin: new Map(), mcp: new Map() };
    let loading = true;
    const count = (m, k) => m.set(k, (m.get(k) ?? 0) + 1);
    const load = (async () => {
      while (loading) {
        const [a, m] = await Promise.all([
          fetch(`${d.base}/v1/tools`, { headers: auth(root) }).then(async (r) => { await r.text(); return r.status; }),
          toolsList().then((r) => r.status),
        ]);
        count(seen.admin, a);
        count(seen.mcp, m);
      }
    })();

    pgCluster('stop', pgDir);
    const wait = { timeoutMs: 10000 * slowdown(d.proc.pid) };
    await until(async () => (await fetch(`${d.base}/v1/tools`, { headers: auth(root) })).status === 503, 'admin reads answered 503', wait);
    const down = await fetch(`${d.base}/v1/tools`, { headers: auth(root) });
    assert.equal(down.status, 503);
    assert.equal(down.headers.get('retry-after'), '1');
    assert.equal((await down.json()).error, 'unavailable');
    assert.equal((await create('during')).status, 503);
    // An API token needs the database to be checked; a JWT does not.
    assert.equal((await fetch(`${d.base}/v1/whoami`, { headers: auth(apiToken) })).status, 503);
    const listed = await toolsList();
    assert.equal(listed.status, 200);
    assert.ok(listed.json.result.tools.some((tool) => tool.name === 'before'));
    assert.equal((await fetch(`${d.base}/health`)).status, 200);
    assert.equal((await fetch(`${d.base}/ready`)).status, 503);

    pgCluster('restart', pgDir);
    await until(async () => (await fetch(`${d.base}/ready`)).status === 200, '/ready back to 200', wait);
    assert.equal((await create('after')).status, 201);
    assert.equal((await fetch(`${d.base}/v1/whoami`, { headers: auth(apiToken) })).status, 200);
    await until(async () => (await toolsList()).json.result.tools.some((tool) => tool.name === 'after'), 'the new tool listed');
    loading = false;
    await load;
    // Only 200 and 503 ever, for admin reads; MCP lists never failed.
    assert.deepEqual([...seen.admin.keys()].filter((k) => k !== 200 && k !== 503), [], JSON.stringify([...seen.admin]));
    assert.deepEqual([...seen.mcp.keys()], [200], JSON.stringify([...seen.mcp]));
    assert.ok((seen.admin.get(503) ?? 0) > 0);
    // The outage is in the log, but not once per request.
    const lines = d.log.split('\n').filter((l) => /unavailable: /.test(l)).length;
    assert.ok(lines >= 1 && lines < (seen.admin.get(503) ?? 0) + 3, `${lines} outage lines for ${seen.admin.get(503)} refusals`);
  });
});
