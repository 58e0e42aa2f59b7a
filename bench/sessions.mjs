// Opens N idle MCP sessions against URL (initialize + notifications/initialized), 32 at a time.
// Usage: node bench/sessions.mjs URL TOKEN N
const [url, token, n] = process.argv.slice(2);
const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json', accept: 'application/json' };
const init = JSON.stringify({ jsonrpc: '2.0', id: 0, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'bench', version: '1' } } });
let done = 0, failed = 0;
async function one() {
  const r = await fetch(url, { method: 'POST', headers, body: init });
  await r.text();
  const sid = r.headers.get('mcp-session-id');
  if (r.status !== 200 || !sid) { failed++; return; }
  const n2 = await fetch(url, { method: 'POST', headers: { ...headers, 'mcp-session-id': sid, 'mcp-protocol-version': '2025-11-25' }, body: '{"jsonrpc":"2.0","method":"notifications/initialized"}' });
  await n2.text();
  done++;
}
const total = Number(n);
let next = 0;
await Promise.all(Array.from({ length: 32 }, async () => { while (next < total) { next++; await one(); } }));
console.log(JSON.stringify({ done, failed }));
