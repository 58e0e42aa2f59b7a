// A resource subscription survives a restart of its only node (issue 13: sessions kept in the
// database keep their subscriptions, transport/subscription_keeper.h): after kill -9 and a new
// start, the node subscribes again upstream, in a new upstream session, and the update reaches
// the client's resumed GET stream. On the PostgreSQL pass, the restarted node is a new node
// that takes over the dead one's once its lease runs out; on SQLite, at its first scan.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { daemonWithFa } from './lib/fidelity_upstream.mjs';
import { initialize, openSse, post, mcpHeaders } from './lib/mcp.mjs';
import { slowdown } from './lib/proc.mjs';
import { until } from './lib/wait.mjs';

describe('a subscription outlives its node', () => {
  test('kill -9 and a restart: renewed upstream, the update reaches the resumed GET stream', async (t) => {
    const { d, up, user } = await daemonWithFa(t, { transport: { event_store: 'database' } });
    const s = await initialize(`${d.base}/mcp`, user);
    const get = await openSse(`${d.base}/mcp`, { headers: mcpHeaders(user, s.headers) });
    const priming = await get.next();
    assert.ok(priming.id);
    const sub = await post(`${d.base}/mcp`, user, { jsonrpc: '2.0', id: 2, method: 'resources/subscribe', params: { uri: 'fa+fid://counter' } }, s.headers);
    assert.deepEqual(sub.json?.result, {}, sub.text);
    const before = up.state.subscribeCalls.at(-1).session;

    await d.stop('SIGKILL');
    get.close();
    await d.start();
    await until(() => up.state.subscribeCalls.some((x) => x.method === 'subscribe' && x.session !== before),
      () => `the renewal upstream: ${JSON.stringify(up.state.subscribeCalls)}`, { timeoutMs: 20000 * slowdown(d.proc.pid) });
    const renewed = up.state.subscribeCalls.at(-1);
    assert.deepEqual({ ...renewed, session: 'x' }, { method: 'subscribe', uri: 'fid://counter', session: 'x' });
    await until(() => up.state.getStreams.includes(renewed.session), 'the node to follow its new upstream session');
    const resumed = await openSse(`${d.base}/mcp`, { headers: mcpHeaders(user, { ...s.headers, 'last-event-id': priming.id }) });
    assert.equal(resumed.status, 200);
    const updated = async () => {
      for (;;) {
        const e = await resumed.next({ timeoutMs: 5000 * slowdown(d.proc.pid) });
        assert.notEqual(e, null, 'the GET stream ended');
        if (!e.data) continue;
        const m = JSON.parse(e.data);
        if (m.method !== 'notifications/resources/updated') continue;  // e.g. a list change
        assert.deepEqual(m.params, { uri: 'fa+fid://counter' });
        return;
      }
    };
    // The renewal's own update (the resource may have changed while nobody held it), replayed.
    await updated();
    const bump = await post(`${d.base}/mcp`, user, { jsonrpc: '2.0', id: 3, method: 'tools/call', params: { name: 'fa__bump', arguments: {} } }, s.headers);
    assert.equal(bump.status, 200, bump.text);
    assert.deepEqual(up.state.updatesSent.at(-1), { session: renewed.session, uri: 'fid://counter' });
    await updated();
    resumed.close();
    assert.match(d.log, /subscription to fa\+fid:\/\/counter renewed on this node/);
  });
});
