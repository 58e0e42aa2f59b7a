// Many calls at once in one session, each answered on its own SSE stream: every response reaches
// its client. (With 32 or more at once, the session forgot finished streams that were still being
// sent, to keep its bound of kept streams: their events were erased and the responses came
// without a result, or never ended.)
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { daemonWithFa } from './lib/fidelity_upstream.mjs';
import { initialize, mcpHeaders } from './lib/mcp.mjs';

describe('calls at once in one session', () => {
  test('64 clients of one session, 10 SSE calls each: every response has its result', async (t) => {
    const { d, user } = await daemonWithFa(t, { transport: { event_store: 'database' } });
    const s = await initialize(`${d.base}/mcp`, user);
    const headers = { ...mcpHeaders(user, s.headers), accept: 'application/json, text/event-stream' };
    let next = 1;
    const failures = [];
    const client = async () => {
      for (let i = 0; i < 10; i++) {
        const id = next++;
        const r = await fetch(`${d.base}/mcp`, {
          method: 'POST', headers, signal: AbortSignal.timeout(20000),
          body: JSON.stringify({ jsonrpc: '2.0', id, method: 'tools/call', params: { name: 'fa__work', arguments: { tag: `t${id}`, steps: 1 } } }),
        });
        const text = await r.text();
        const response = text.split('\n').filter((l) => l.startsWith('data: ') && l.length > 6).map((l) => JSON.parse(l.slice(6))).find((m) => m.id === id);
        if (r.status !== 200 || response?.result?.content?.[0]?.text !== `done t${id}`) failures.push({ id, status: r.status, text });
      }
    };
    await Promise.all(Array.from({ length: 64 }, client));
    assert.deepEqual(failures.slice(0, 3), [], `${failures.length} of 640 without their result`);
  });
});
