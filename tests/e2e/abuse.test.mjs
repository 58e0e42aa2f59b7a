// Issue 12, abuse at the front: connection churn with resets mid-request and mid-stream, slowloris
// on headers and bodies, a client that never reads its stream, a flood of notifications, a flood
// of session creations. After each the daemon returns to idle, its descriptors (and, after the
// session TTL, its memory) to where they were, and it serves normally. Levels are read from
// /proc/<pid> of the daemon.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { Daemon, statusOf } from './lib/daemon.mjs';
import { startFaultyUpstream } from './lib/faulty_upstream.mjs';
import { initialize, mcpHeaders, post, LATEST } from './lib/mcp.mjs';
import { openFds, rssKiB as rssOf, cpuTicks as ticksOf, sanitizerAllocator, slowdown } from './lib/proc.mjs';
import { until, sleep } from './lib/wait.mjs';

const fds = (d) => openFds(d.proc.pid);
const rssKiB = (d) => rssOf(d.proc.pid);
const cpuTicks = (d) => ticksOf(d.proc.pid);
// The daemon's own sockets on its listening port other than the listener: its client connections.
const frontSockets = (d) => {
  const inodes = new Set();
  for (const fd of readdirSync(`/proc/${d.proc.pid}/fd`)) {
    try {
      const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${d.proc.pid}/fd/${fd}`));
      if (m) inodes.add(m[1]);
    } catch { /* closed meanwhile */ }
  }
  const port = d.port.toString(16).toUpperCase().padStart(4, '0');
  return readFileSync('/proc/net/tcp', 'utf8').split('\n').slice(1).map((l) => l.trim().split(/\s+/))
    .filter((f) => f.length > 9 && f[1].endsWith(`:${port}`) && f[3] !== '0A' && inodes.has(f[9])).length;
};
// CPU the daemon used over `ms`, as a fraction of one core (ticks are 1/100 s on Linux).
const cpuOver = async (d, ms) => { const a = cpuTicks(d); await sleep(ms); return (cpuTicks(d) - a) / (ms / 10); };

// Opens a connection, writes `bytes`, then resets it (RST, not FIN) once the write left.
// Resolves true when `waitFor` was seen (or not asked for) before the reset.
function writeAndReset(port, bytes, { waitFor } = {}) {
  return new Promise((res) => {
    const s = net.connect(port, '127.0.0.1');
    let seen = '', reached = !waitFor;
    s.on('error', () => res(reached));
    s.on('close', () => res(reached));
    s.on('connect', () => s.write(bytes, () => {
      if (!waitFor) { s.resetAndDestroy(); return; }
      s.on('data', (c) => {
        seen += c;
        if (seen.includes(waitFor)) { reached = true; s.resetAndDestroy(); }
      });
    }));
  });
}

describe('abuse at the front', () => {
  const d = new Daemon({
    server: { read_timeout: '1s', max_connections: 2000 },
    transport: { session_idle_ttl: '2s' },
    federation: { request_timeout: '5s', discovery_timeout: '5s' },
  });
  let up, admin, user;
  before(async () => {
    up = await startFaultyUpstream();
    await d.start();
    admin = d.token('--sub', 'root', '--scope', 'admin');
    user = d.token('--sub', 'alice', '--scope', 'mcp');
    const r = await fetch(`${d.base}/v1/gateways`, { method: 'POST', headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Faulty', url: up.url }) });
    assert.equal(r.status, 201, await r.text());
  });
  after(async () => {
    await up?.stop();
    await d.cleanup();
  });

  const healthy = async () => {
    assert.equal((await fetch(`${d.base}/health`)).status, 200);
    const s = await initialize(`${d.base}/mcp`, user);
    const call = await post(`${d.base}/mcp`, user, { jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'faulty__ok', arguments: {} } }, { ...s.headers, accept: 'application/json' });
    assert.equal(call.json?.result?.content?.[0]?.text, 'ok', call.text);
  };
  // Back to idle: no client connection left open, descriptors at their level before (give or
  // take the upstream connections that health pings pool), under 5% of a core over a second.
  const settles = async (fdsBefore, what) => {
    const patience = 10000 * slowdown(d.proc.pid);
    await until(() => frontSockets(d) === 0, () => `${what}: client connections closed (${frontSockets(d)} open)`, { timeoutMs: patience });
    await until(() => fds(d) <= fdsBefore + 2, () => `${what}: descriptors back to ${fdsBefore} (now ${fds(d)})`, { timeoutMs: patience });
    const cpu = await cpuOver(d, 1000);
    assert.ok(cpu < 0.05, `${what}: ${Math.round(cpu * 100)}% of a core after the churn`);
  };

  test('10,000 connections reset mid-request, mid-body, mid-stream and mid-call', async () => {
    await healthy();
    const fdsBefore = fds(d);
    const rssBefore = rssKiB(d);
    const sessions = await Promise.all(Array.from({ length: 50 }, () => initialize(`${d.base}/mcp`, user)));
    const auth = `Authorization: Bearer ${user}\r\n`;
    const kinds = [
      () => 'GET /health HTTP/1.1\r\nHost: x\r\nX-Half: ',  // the head cut short
      () => `POST /mcp HTTP/1.1\r\nHost: 127.0.0.1:${d.port}\r\n${auth}Content-Type: application/json\r\nContent-Length: 400\r\n\r\n{"jsonrpc":"2.0",`,  // the body cut short
      (i) => {  // a GET stream, reset once its head arrived
        const s = sessions[i % sessions.length];
        return [`GET /mcp HTTP/1.1\r\nHost: 127.0.0.1:${d.port}\r\n${auth}Accept: text/event-stream\r\nMcp-Session-Id: ${s.sid}\r\nMcp-Protocol-Version: ${s.version}\r\n\r\n`, 'HTTP/1.1 200'];
      },
      (i) => {  // a tool call in flight upstream (answers after 3 s), reset once the SSE head arrived
        const s = sessions[i % sessions.length];
        const body = JSON.stringify({ jsonrpc: '2.0', id: i, method: 'tools/call', params: { name: 'faulty__late', arguments: {} } });
        return [`POST /mcp HTTP/1.1\r\nHost: 127.0.0.1:${d.port}\r\n${auth}Content-Type: application/json\r\nAccept: application/json, text/event-stream\r\n` +
          `Mcp-Session-Id: ${s.sid}\r\nMcp-Protocol-Version: ${s.version}\r\nContent-Length: ${body.length}\r\n\r\n${body}`, 'HTTP/1.1 200'];
      },
    ];
    const total = 10000, wave = 200;
    const reached = [0, 0, 0, 0];
    for (let start = 0; start < total; start += wave) {
      await Promise.all(Array.from({ length: wave }, async (_, k) => {
        const i = start + k;
        const made = kinds[i % kinds.length](i);
        const [bytes, waitFor] = Array.isArray(made) ? made : [made];
        if (await writeAndReset(d.port, bytes, { waitFor })) reached[i % kinds.length] += 1;
      }));
    }
    // Every stream and every call was open (its 200 head arrived) when it was reset.
    assert.deepEqual(reached, [2500, 2500, 2500, 2500]);
    // Legacy calls go on upstream when their stream breaks (the client may resume it).
    const late = () => up.state.calls.filter((c) => c.name === 'late').length;
    await until(() => late() >= 2500, () => `every call to reach the upstream (${late()} did)`, { timeoutMs: 20000 * slowdown(d.proc.pid) });
    await settles(fdsBefore, 'connection churn');
    await healthy();
    // After the session TTL the sessions of the churn are gone, and so is the memory they held
    // (under a sanitizer's allocator RSS is its quarantine, not mcpgw's: LSan checks at exit).
    await sleep(3000);
    if (!sanitizerAllocator(d.proc.pid)) {
      await until(() => rssKiB(d) < rssBefore + 16 * 1024, `RSS back near ${rssBefore} KiB (now ${rssKiB(d)} KiB)`, { timeoutMs: 10000 });
    }
    assert.doesNotMatch(d.log, / (error|critical) \[/, 'nothing at error level for clients that went away');
  });

  test('slowloris on headers and on bodies: cut at read_timeout, others served meanwhile', async () => {
    const fdsBefore = fds(d);
    const slow = (head) => new Promise((res) => {
      const s = net.connect(d.port, '127.0.0.1');
      let out = '', n = 0, timer;
      const t0 = Date.now();
      s.setEncoding('utf8');
      s.on('data', (c) => { out += c; });
      s.on('error', () => {});
      s.on('close', () => { clearInterval(timer); res({ out, ms: Date.now() - t0 }); });
      s.on('connect', () => { timer = setInterval(() => { if (!s.destroyed) s.write(head[n++ % head.length]); }, 100); });
    });
    const headers = Array.from({ length: 100 }, () => slow('GET /health HTTP/1.1\r\nHost: x\r\nX-Slow: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa'));
    const bodies = Array.from({ length: 100 }, () => slow(`POST /v1/tokens HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n${'x'.repeat(200)}`));
    const t0 = Date.now();
    for (let i = 0; i < 5; i++) assert.equal((await fetch(`${d.base}/health`)).status, 200);
    assert.ok(Date.now() - t0 < 1000, 'served while 200 slow clients hold connections');
    const ended = await Promise.all([...headers, ...bodies]);
    for (const { out, ms } of ended) {
      assert.equal(statusOf(out), 408, out);
      assert.ok(ms < 3000, `a slow client held on for ${ms} ms`);
    }
    await settles(fdsBefore, 'slowloris');
  });

  test('a client that never reads its stream is cut off; the daemon lets the response go', async () => {
    const fdsBefore = fds(d);
    const s = await initialize(`${d.base}/mcp`, user);
    const body = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'faulty__big', arguments: {} } });
    const sock = net.connect(d.port, '127.0.0.1');
    sock.on('error', () => {});
    await new Promise((r) => sock.on('connect', r));
    sock.pause();  // never reads a byte
    sock.write(`POST /mcp HTTP/1.1\r\nHost: 127.0.0.1:${d.port}\r\nAuthorization: Bearer ${user}\r\nContent-Type: application/json\r\n` +
      `Accept: application/json, text/event-stream\r\nMcp-Session-Id: ${s.sid}\r\nMcp-Protocol-Version: ${s.version}\r\n` +
      `Content-Length: ${body.length}\r\n\r\n${body}`);
    await until(() => up.state.calls.some((c) => c.name === 'big'), 'the call upstream');
    // The 8 MiB answer fills the socket buffers; mcpgw gives up on the write after read_timeout
    // and closes its end, while this client still holds its socket open.
    await until(() => frontSockets(d) === 0, 'the daemon to close the unread connection', { timeoutMs: 10000 });
    assert.equal(sock.destroyed, false);
    sock.destroy();
    await healthy();
  });

  test('a flood of 20,000 notifications: each 202, nothing retained', async () => {
    const s = await initialize(`${d.base}/mcp`, user);
    const rssBefore = rssKiB(d);
    const agent = { ...mcpHeaders(user, s.headers) };
    let accepted = 0;
    const worker = async (n) => {
      for (let i = 0; i < n; i++) {
        const r = await fetch(`${d.base}/mcp`, { method: 'POST', headers: agent,
          body: JSON.stringify({ jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: i, reason: 'flood' } }) });
        await r.arrayBuffer();
        if (r.status === 202) accepted += 1;
      }
    };
    await Promise.all(Array.from({ length: 16 }, () => worker(1250)));
    assert.equal(accepted, 20000);
    assert.ok(rssKiB(d) < rssBefore + 16 * 1024, `RSS grew from ${rssBefore} to ${rssKiB(d)} KiB`);
    const ping = await post(`${d.base}/mcp`, user, { jsonrpc: '2.0', id: 9, method: 'ping' }, s.headers);
    assert.equal(ping.text, '{"jsonrpc":"2.0","id":9,"result":{}}');
  });
});

describe('a session-creation flood', () => {
  test('hits transport.max_sessions: exactly the limit is created, the rest get 503, then room again', async (t) => {
    const d = new Daemon({ transport: { max_sessions: 100 } });
    t.after(() => d.cleanup());
    await d.start();
    const user = d.token('--sub', 'alice', '--scope', 'mcp');
    const init = () => post(`${d.base}/mcp`, user, { jsonrpc: '2.0', id: 0, method: 'initialize',
      params: { protocolVersion: LATEST, capabilities: {}, clientInfo: { name: 'flood', version: '1' } } }, { accept: 'application/json' });
    const all = await Promise.all(Array.from({ length: 300 }, init));
    const made = all.filter((r) => r.status === 200);
    const refused = all.filter((r) => r.status === 503);
    assert.equal(made.length, 100);
    assert.equal(refused.length, 200);
    assert.ok(refused.every((r) => r.headers.get('retry-after')));
    for (const r of made.slice(0, 10)) {
      const del = await fetch(`${d.base}/mcp`, { method: 'DELETE', headers: { authorization: `Bearer ${user}`, 'mcp-session-id': r.headers.get('mcp-session-id') } });
      assert.equal(del.status, 204);
    }
    const again = await Promise.all(Array.from({ length: 20 }, init));
    assert.equal(again.filter((r) => r.status === 200).length, 10);
    assert.equal((await fetch(`${d.base}/health`)).status, 200);
  });
});
