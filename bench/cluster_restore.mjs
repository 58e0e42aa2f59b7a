// What a session costs the first time a node that did not create it serves it (issue 13): two
// nodes on one PostgreSQL database (tests/e2e/lib/cluster.mjs, the release binary), N sessions
// initialized on node A, then for each, one after the other: the first ping on node B (B
// restores the session from the database) and a second ping on B (B has it in memory). The
// difference is the restore. Also the same two pings on A, where the session was made.
// Usage: node bench/cluster_restore.mjs [N]   (PostgreSQL: MCPGW_TEST_POSTGRES_URL, or a
// cluster of its own; MCPGW_BIN: the daemon, build/src/mcpgw by default)
import { Cluster } from '../tests/e2e/lib/cluster.mjs';

const n = Number(process.argv[2] ?? 500);
const c = new Cluster(2, { transport: { event_store: 'database' } });
await c.start();
const [a, b] = c.nodes;
const token = a.token('--sub', 'bench', '--scope', 'mcp');
const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json', accept: 'application/json' };
const init = JSON.stringify({ jsonrpc: '2.0', id: 0, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'bench', version: '1' } } });
const ping = '{"jsonrpc":"2.0","id":1,"method":"ping"}';

async function timedPing(node, sid) {
  const t = process.hrtime.bigint();
  const r = await fetch(`${node.base}/mcp`, { method: 'POST', headers: { ...headers, 'mcp-session-id': sid, 'mcp-protocol-version': '2025-11-25' }, body: ping });
  await r.text();
  if (r.status !== 200) throw new Error(`ping: ${r.status}`);
  return Number(process.hrtime.bigint() - t) / 1000;  // µs
}
const sessions = [];
for (let i = 0; i < n; i++) {
  const r = await fetch(`${a.base}/mcp`, { method: 'POST', headers, body: init });
  await r.text();
  sessions.push(r.headers.get('mcp-session-id'));
}
const runs = { a_first: [], a_second: [], b_first: [], b_second: [] };
for (const sid of sessions) {
  runs.a_first.push(await timedPing(a, sid));
  runs.a_second.push(await timedPing(a, sid));
  runs.b_first.push(await timedPing(b, sid));
  runs.b_second.push(await timedPing(b, sid));
}
const q = (v, p) => { const s = [...v].sort((x, y) => x - y); return s[Math.min(s.length - 1, Math.floor(p * s.length))]; };
const out = {};
for (const [k, v] of Object.entries(runs)) out[k] = { p50_us: Math.round(q(v, 0.5)), p99_us: Math.round(q(v, 0.99)) };
out.restore_p50_us = out.b_first.p50_us - out.b_second.p50_us;
console.log(JSON.stringify({ sessions: n, ...out }));
await c.cleanup();
