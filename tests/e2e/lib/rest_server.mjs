// A small REST server on 127.0.0.1 for the REST-tool tests: what a tool's upstream might be.
import http from 'node:http';

export async function startRestServer() {
  const seen = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => { body += c; });
    req.on('end', () => {
      const url = new URL(req.url, 'http://127.0.0.1');
      seen.push({ method: req.method, path: url.pathname, query: Object.fromEntries(url.searchParams), body, headers: req.headers });
      const json = (status, obj) => { res.writeHead(status, { 'content-type': 'application/json' }); res.end(JSON.stringify(obj)); };
      let m;
      if ((m = /^\/weather\/([^/]+)$/.exec(url.pathname)) && req.method === 'GET')
        return json(200, { city: decodeURIComponent(m[1]), days: Number(url.searchParams.get('days') ?? 1), temp: 21 });
      if (url.pathname === '/echo' && req.method === 'POST') return json(200, { got: JSON.parse(body || '{}'), key: req.headers['x-api-key'] ?? null });
      if (url.pathname === '/fail') return json(500, { error: 'boom' });
      if (url.pathname === '/whoami') return json(200, { authorization: req.headers.authorization ?? null, key: req.headers['x-key'] ?? null });
      if (url.pathname === '/slow') return setTimeout(() => json(200, { late: true }), 2000);
      json(404, { error: 'no such path' });
    });
  });
  const stats = { connections: 0 };
  server.on('connection', () => { stats.connections++; });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  server.keepAliveTimeout = 5000;
  return { port: server.address().port, seen, stats, close: () => new Promise((r) => { server.closeAllConnections?.(); server.close(r); }) };
}
