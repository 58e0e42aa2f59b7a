// The OpenAPI document served at /v1/openapi.json describes every route the daemon's router has:
// the daemon logs its route table at debug level when it starts listening.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { Daemon } from './lib/daemon.mjs';

const d = new Daemon({ logging: { level: 'debug' } });
after(() => d.cleanup());

test('every route of the router is in the OpenAPI document', async () => {
  await d.start();
  const routes = [...d.log.matchAll(/route (GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS) (\S+)/g)].map((m) => [m[1], m[2]]);
  assert.ok(routes.length >= 30, `route table logged: ${routes.length} routes`);
  const res = await fetch(`${d.base}/v1/openapi.json`);
  assert.equal(res.status, 200);
  const doc = await res.json();
  assert.match(doc.openapi, /^3\.1\./);
  const missing = routes.filter(([m, p]) => !doc.paths?.[p]?.[m.toLowerCase()]);
  assert.deepEqual(missing, [], 'routes missing from docs/openapi.json');
  // And nothing documented that the daemon does not serve.
  const served = new Set(routes.map(([m, p]) => `${m} ${p}`));
  const extra = [];
  for (const [p, ops] of Object.entries(doc.paths))
    for (const m of Object.keys(ops))
      if (['get', 'post', 'put', 'patch', 'delete'].includes(m) && !served.has(`${m.toUpperCase()} ${p}`)) extra.push(`${m} ${p}`);
  assert.deepEqual(extra, [], 'documented routes the daemon does not have');
});
