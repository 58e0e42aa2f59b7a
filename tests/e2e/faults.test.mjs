// Issue 12: upstreams that misbehave (lib/faulty_upstream.mjs). For each way an upstream can fail,
// the client gets a clear isError result within the configured time (federation.request_timeout,
// 2 s here), nothing hangs, mcpgw logs the cause at error level at most once, and the next call
// works. Every pair of eras: the client is the official SDK client over mcpgw's /mcp, 1.32
// (2025-06-18, a session) or v2 pinned to 2026-07-28 (stateless); the upstream speaks either era
// (the modern one with faults of its own: input_required results that are malformed or never
// end, the era's HTTP-level refusals).
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Client as LegacyClient } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport as LegacyTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { ElicitRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import { Client as ModernClient, StreamableHTTPClientTransport as ModernTransport } from '@modelcontextprotocol/client';
import { Daemon } from './lib/daemon.mjs';
import { startFaultyUpstream } from './lib/faulty_upstream.mjs';
import { until } from './lib/wait.mjs';
import { slowdown } from './lib/proc.mjs';

// Long enough for mcpgw to read a 17 MiB body under the sanitizers (TSan took over 1 s), short
// enough that the 3 s answer is late.
const TIMEOUT_MS = 2000;

// The SDK client of `era`, connected to `url`, answering elicitations with `onElicit`; `call`
// calls a tool with a timeout far above mcpgw's.
async function connectClient(era, url, token, onElicit) {
  const requestInit = { headers: { authorization: `Bearer ${token}` } };
  const capabilities = { elicitation: {} };
  if (era === 'legacy') {
    const client = new LegacyClient({ name: 'faults-e2e', version: '1' }, { capabilities });
    client.setRequestHandler(ElicitRequestSchema, onElicit);
    await client.connect(new LegacyTransport(new URL(url), { requestInit }));
    return { client, call: (params, timeout) => client.callTool(params, undefined, { timeout }) };
  }
  const client = new ModernClient({ name: 'faults-e2e', version: '1' }, { versionNegotiation: { mode: { pin: '2026-07-28' } }, capabilities });
  client.setRequestHandler('elicitation/create', onElicit);
  await client.connect(new ModernTransport(new URL(url), { requestInit }));
  assert.equal(client.getNegotiatedProtocolVersion(), '2026-07-28');
  return { client, call: (params, timeout) => client.callTool(params, { timeout }) };
}

for (const [clientEra, upstreamEra] of [['legacy', 'legacy'], ['modern', 'modern'], ['legacy', 'modern'], ['modern', 'legacy']])
describe(`upstreams that misbehave: a ${clientEra} client, a ${upstreamEra} upstream`, () => {
  const d = new Daemon({ federation: { request_timeout: `${TIMEOUT_MS}ms`, discovery_timeout: '5s', health_interval: '500ms', unhealthy_after: 2 } });
  let up, admin, user, client, gw;
  let elicitations = 0;
  const api = async (method, path, body) => {
    const res = await fetch(`${d.base}${path}`, {
      method, headers: { authorization: `Bearer ${admin}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    return { status: res.status, body: await res.json().catch(() => null) };
  };
  const errorLines = () => d.log.split('\n').filter((l) => / error \[/.test(l));

  before(async () => {
    up = await startFaultyUpstream({ era: upstreamEra });
    await d.start();
    admin = d.token('--sub', 'root', '--scope', 'admin');
    user = d.token('--sub', 'alice', '--scope', 'mcp');
    const r = await api('POST', '/v1/gateways', { name: 'Faulty', url: up.url });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    gw = r.body;
    assert.equal(gw.discovery.ok, true, JSON.stringify(gw.discovery));
    client = await connectClient(clientEra, `${d.base}/mcp`, user, async () => {
      elicitations += 1;
      return { action: 'accept', content: { ok: true } };
    });
  });
  after(async () => {
    await client?.client.close().catch(() => {});
    await up?.stop();
    await d.cleanup();
  });

  // Calls `tool` through mcpgw; returns the result and how long it took. The SDK's own timeout is
  // far above mcpgw's, so a hang shows as a failure here, not as the SDK giving up first.
  const call = async (tool) => {
    const t0 = Date.now();
    const result = await client.call({ name: `faulty__${tool}`, arguments: {} }, 20000);
    return { result, ms: Date.now() - t0 };
  };

  // The fault: an isError result whose text matches `words`, within `withinMs`; at most one error
  // line for it in the log; then a plain call works.
  const failsCleanly = async (tool, words, withinMs = TIMEOUT_MS + 1500) => {
    const errorsBefore = errorLines().length;
    const { result, ms } = await call(tool);
    assert.equal(result.isError, true, JSON.stringify(result));
    assert.match(result.content[0].text, words);
    assert.ok(ms < withinMs, `${tool}: answered after ${ms} ms`);
    const ok = await call('ok');
    assert.equal(ok.result.isError, undefined, JSON.stringify(ok.result));
    assert.equal(ok.result.content[0].text, 'ok');
    // Error lines are flushed at once (logging.cpp: flush_on warn), so they are all here now.
    const errors = errorLines().slice(errorsBefore);
    assert.ok(errors.length <= 1, `${tool}: ${errors.length} error lines:\n${errors.join('\n')}`);
    return result.content[0].text;
  };

  test('a plain call works', async () => {
    assert.equal((await call('ok')).result.content[0].text, 'ok');
  });

  test('an answer later than request_timeout: isError after about the timeout', async () => {
    await failsCleanly('late', /Faulty.*no response within 2000 ms/);
  });

  test('no answer at all: isError after about the timeout, the connection is let go', async () => {
    await failsCleanly('never', /Faulty.*no response within 2000 ms/);
  });

  test('a JSON body cut short: isError', async () => {
    await failsCleanly('truncated', /Faulty.*request to http:\/\/127\.0\.0\.1:\d+ failed: partial message/);
  });

  test('a TCP reset in the middle of an SSE event: isError', async () => {
    await failsCleanly('reset', /stream from http:\/\/127\.0\.0\.1:\d+ broke: Connection reset by peer/);
  });

  test('an SSE event over the size limit: isError naming the limit', async () => {
    await failsCleanly('oversized_sse', /an SSE event larger than 16777216 bytes/, 10000);
  });

  test('a JSON body over the size limit: isError naming the limit', async () => {
    await failsCleanly('oversized_json', /larger than 16777216 bytes/, 10000);
  });

  test('a 200 with the wrong Content-Type: isError naming it', async () => {
    await failsCleanly('wrong_type', /answered with Content-Type text\/html, not application\/json or text\/event-stream: <html>/);
  });

  test('a 200 that is not JSON-RPC: isError', async () => {
    await failsCleanly('not_jsonrpc', /reply is not JSON-RPC: \{"hello":"world"\}/);
  });

  test('HTTP 500: isError with the status and the body', async () => {
    const t = await failsCleanly('status_500', /500/);
    assert.match(t, /upstream exploded/);
  });

  test('a response for an id never sent, then the end: isError', async () => {
    await failsCleanly('unknown_id', /the upstream's stream ended without the response/);
  });

  test('garbage SSE frames before the answer: the answer still arrives', async () => {
    const { result } = await call('garbage_sse');
    assert.equal(result.isError, undefined, JSON.stringify(result));
    assert.equal(result.content[0].text, 'after the garbage');
  });

  test('the response twice: the first counts, the second is dropped', async () => {
    const { result } = await call('dup_ids');
    assert.equal(result.content[0].text, 'first');
    assert.equal((await call('ok')).result.content[0].text, 'ok');
  });

  if (upstreamEra === 'legacy')
  test('an upstream that forgets the session: a new one is initialized and the call goes through', async () => {
    const initializes = up.state.initializes;
    const { result } = await call('forget_session');
    assert.equal(result.isError, undefined, JSON.stringify(result));
    assert.equal(result.content[0].text, 'after a new session');
    assert.equal(up.state.initializes, initializes + 1);
    const [first, second] = up.state.calls.filter((c) => c.name === 'forget_session').slice(-2);
    assert.notEqual(first.session, second.session);
  });

  test('flapping: down during a call, calls fail fast while down, up again: calls work', async () => {
    const port = up.port;
    const pending = call('never');
    await until(() => up.state.calls.at(-1)?.name === 'never', 'the call to reach the upstream');
    await up.stop();
    const { result } = await pending;
    assert.equal(result.isError, true);
    for (let i = 0; i < 3; i++) {
      const down = await call('ok');
      assert.equal(down.result.isError, true, JSON.stringify(down.result));
      assert.ok(down.ms < TIMEOUT_MS + 1500, `a call while down took ${down.ms} ms`);
    }
    // At the deadline: what the admin API says and the daemon's lines about the upstream.
    const gatewayState = async (want) => {
      const g = (await api('GET', `/v1/gateways/${gw.id}`)).body;
      const lines = d.log.split('\n').filter((l) => /upstream|Faulty/i.test(l)).slice(-25).join('\n');
      return `status ${want} (now ${JSON.stringify(g)}); the daemon's last lines about upstreams:\n${lines}`;
    };
    // Two failed checks 500 ms apart, each within request_timeout. Once (fresh-clone CI under ASan,
    // modern client and upstream) this took over 5 s, not seen again in 16 ASan runs: the message
    // at the deadline says what the daemon was doing.
    await until(async () => (await api('GET', `/v1/gateways/${gw.id}`)).body.status === 'unreachable', () => gatewayState('unreachable'),
      { timeoutMs: 5000 * slowdown(d.proc.pid) });
    const state = up.state;
    up = await startFaultyUpstream({ port, era: upstreamEra });
    up.state.calls = state.calls;
    await until(async () => (await api('GET', `/v1/gateways/${gw.id}`)).body.status === 'healthy', () => gatewayState('healthy'), { timeoutMs: 10000 * slowdown(d.proc.pid) });
    const back = await call('ok');
    assert.equal(back.result.isError, undefined, JSON.stringify(back.result));
    assert.equal(back.result.content[0].text, 'ok');
  });

  if (upstreamEra === 'modern') {
    test('input_required without inputRequests: isError naming it', async () => {
      await failsCleanly('input_no_requests', /Faulty.*input_required result has no inputRequests/);
    });

    test('an input request that names no method: isError naming it', async () => {
      await failsCleanly('input_no_method', /input request 'a' names no method/);
    });

    test('input_required on every round: isError once the rounds run out, each round answered once', async () => {
      const rounds = up.state.inputRounds;
      const asked = elicitations;
      await failsCleanly('input_forever', /asked for input \d+ times without finishing/, 20000);
      const upstreamRounds = up.state.inputRounds - rounds;
      assert.ok(upstreamRounds >= 2 && upstreamRounds <= 20, `${upstreamRounds} rounds`);
      assert.equal(elicitations - asked, upstreamRounds - 1, 'one elicitation per round that was answered');
    });

    test('-32022 on a call (the upstream no longer speaks the version): isError, not the client\'s error', async () => {
      const discovers = up.state.discovers;
      const calls = up.state.calls.length;
      const t = await failsCleanly('wrong_version', /Faulty.*refused the request \(-32022 Unsupported protocol version.*"supported":\["2099-01-01"\]/);
      // Refused before it was served: mcpgw settled the era again (server/discover) and tried
      // once more, then gave up (wrong_version twice, then failsCleanly's ok).
      // (>=: the health check is a server/discover too, every 500 ms here)
      assert.ok(up.state.discovers >= discovers + 1, `${up.state.discovers - discovers} discovers`);
      assert.deepEqual(up.state.calls.slice(calls).map((c) => c.name), ['wrong_version', 'wrong_version', 'ok']);
      assert.match(t, /^Upstream server 'Faulty' failed/);
    });

    test('-32020 on a call: isError naming the mismatch', async () => {
      await failsCleanly('header_mismatch', /Faulty.*Header mismatch/);
    });
  }

  test('after all of it: no connection to the upstream leaks and the daemon still serves', async () => {
    assert.equal((await fetch(`${d.base}/health`)).status, 200);
    assert.equal((await call('ok')).result.content[0].text, 'ok');
  });
});
