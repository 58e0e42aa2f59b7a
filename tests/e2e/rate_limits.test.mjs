// Issue 14 item 7: token buckets per principal (429, Retry-After, a JSON-RPC error on MCP routes)
// and per principal and tool (a JSON-RPC error for the call), with overrides by subject; counted.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Daemon } from './lib/daemon.mjs';
import { initialize, post } from './lib/mcp.mjs';
import { startRestServer } from './lib/rest_server.mjs';

test('a burst over the limit gets 429 with Retry-After; a tool has its own bucket', async (t) => {
  const rest = await startRestServer();
  t.after(() => rest.close());
  const d = new Daemon({ rate_limits: { requests_per_second: 2, request_burst: 5, tool_calls_per_second: 1,
    tool_call_burst: 2, overrides: [{ subject: 'ci', requests_per_second: 1000, request_burst: 1000, tool_calls_per_second: 1, tool_call_burst: 2 }] } });
  t.after(() => d.cleanup());
  await d.start();
  const admin = d.token('--sub', 'ci', '--scope', 'admin,mcp,metrics');
  const made = await fetch(`${d.base}/v1/tools`, { method: 'POST', headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
    body: JSON.stringify({ integration_type: 'REST', name: 'weather', request_type: 'GET', url: `http://127.0.0.1:${rest.port}/weather/{city}` }) });
  assert.equal(made.status, 201);

  const user = d.token('--sub', 'alice', '--scope', 'mcp,admin');
  const url = `${d.base}/mcp`;
  const session = await initialize(url, user); // 2 requests
  const statuses = [];
  let limited;
  for (let i = 0; i < 6; i++) {
    const r = await post(url, user, { jsonrpc: '2.0', id: i + 1, method: 'ping' }, session.headers);
    statuses.push(r.status);
    if (r.status === 429) limited = limited ?? r;
  }
  assert.deepEqual(statuses.slice(0, 3), [200, 200, 200]);
  assert.ok(limited, `a 429 among ${statuses}`);
  assert.match(limited.headers.get('retry-after'), /^[1-9]\d*$/);
  assert.equal(limited.json.jsonrpc, '2.0');
  assert.equal(limited.json.error.code, -32000);
  assert.match(limited.json.error.message, /rate limit/);
  // The admin API shares the principal's bucket, with its own error shape.
  const admin429 = await fetch(`${d.base}/v1/tools`, { headers: { authorization: `Bearer ${user}` } });
  assert.equal(admin429.status, 429);
  assert.equal((await admin429.json()).error, 'too_many_requests');
  // Another principal is not affected; ci's override lets it through a long burst.
  for (let i = 0; i < 20; i++) assert.equal((await fetch(`${d.base}/v1/whoami`, { headers: { authorization: `Bearer ${admin}` } })).status, 200);

  // Per tool: ci calls weather twice (its burst), the third is refused as a JSON-RPC error.
  const s2 = await initialize(url, admin);
  const c = [];
  for (let i = 0; i < 3; i++) c.push(await post(url, admin, { jsonrpc: '2.0', id: 10 + i, method: 'tools/call', params: { name: 'weather', arguments: { city: 'Oslo' } } }, { ...s2.headers, accept: 'application/json' }));
  assert.ok(c[0].json.result && c[1].json.result);
  assert.equal(c[2].json.error.code, -32000);
  assert.ok(c[2].json.error.data.retryAfterMs > 0);
  const m = await (await fetch(`${d.base}/metrics`, { headers: { authorization: `Bearer ${admin}` } })).text();
  assert.match(m, /mcpgw_rate_limited_total\{limit="requests"\} [1-9]/);
  assert.match(m, /mcpgw_rate_limited_total\{limit="tool_calls"\} 1\n/);
});
