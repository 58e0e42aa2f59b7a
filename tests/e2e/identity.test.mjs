// Issue 14 item 1: tokens of a real OpenID provider (oauth2-mock-server on loopback), found by
// OIDC discovery, checked against its JWKS, mapped to mcpgw's subject, scopes and servers.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { Daemon, freePort } from './lib/daemon.mjs';
import { startProvider } from './lib/identity_provider.mjs';
import { sleep } from './lib/wait.mjs';

const AUD = 'mcpgw-e2e';

function issuerConfig(provider, extra = {}) {
  return {
    issuer: provider.issuer,
    audiences: [AUD],
    subject_claim: 'preferred_username',
    grants: [
      { claim: 'realm_access.roles', value: 'mcp-admins', scopes: ['admin', 'mcp'] },
      { claim: 'groups', value: 'analysts', scopes: ['mcp'], servers: ['analytics'] },
    ],
    ...extra,
  };
}

async function whoami(d, token) {
  const res = await fetch(`${d.base}/v1/whoami`, { headers: { authorization: `Bearer ${token}` } });
  return { status: res.status, body: await res.json(), challenge: res.headers.get('www-authenticate') };
}

describe('external identity provider', () => {
  let idp, other, d;
  before(async () => {
    idp = await startProvider({ algs: ['RS256', 'ES256'] });
    other = await startProvider();
    d = new Daemon({ auth: { issuers: [issuerConfig(idp, { algorithms: ['RS256', 'ES256'] })] } });
    await d.start();
  });
  after(async () => {
    await d.cleanup();
    await idp.stop();
    await other.stop();
  });

  const user = (extra = {}) => ({ aud: AUD, preferred_username: 'alice', scope: 'openid mcp', ...extra });

  test('RS256 and ES256 tokens are accepted and their claims mapped', async () => {
    let r = await whoami(d, await idp.token(user()));
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.deepEqual(r.body, { subject: 'alice', scopes: ['mcp'], servers: [], token_kind: 'oidc' });
    r = await whoami(d, await idp.token(user({ realm_access: { roles: ['mcp-admins'] } }), { alg: 'ES256' }));
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.deepEqual(r.body.scopes, ['mcp', 'admin']);
    r = await whoami(d, await idp.token(user({ scope: 'openid', groups: ['analysts'] })));
    assert.deepEqual(r.body.servers, ['analytics']);
    await d.waitForLog(/issuer http:\/\/127\.0\.0\.1:\d+: 2 signing key\(s\) from http:\/\/127\.0\.0\.1:\d+\/jwks/);
  });

  test('claim mapping decides the routes: admin by role, mcp by scope', async () => {
    const admin = await idp.token(user({ scope: 'openid', realm_access: { roles: ['mcp-admins'] } }));
    assert.equal((await fetch(`${d.base}/v1/tools`, { headers: { authorization: `Bearer ${admin}` } })).status, 200);
    const agent = await idp.token(user());
    const res = await fetch(`${d.base}/v1/tools`, { headers: { authorization: `Bearer ${agent}` } });
    assert.equal(res.status, 403);
    assert.match(res.headers.get('www-authenticate'), /insufficient_scope/);
    // The official SDK client connects with the provider's token.
    const client = new Client({ name: 'e2e-oidc', version: '1' });
    await client.connect(new StreamableHTTPClientTransport(new URL(`${d.base}/mcp`), {
      requestInit: { headers: { authorization: `Bearer ${agent}` } },
    }));
    assert.ok(Array.isArray((await client.listTools()).tools));
    await client.close();
  });

  test('wrong issuer, audience, expiry, algorithm and the HS256 confusion are refused', async () => {
    const refused = async (token, why) => {
      const r = await whoami(d, token);
      assert.equal(r.status, 401, JSON.stringify(r.body));
      assert.match(r.challenge, /error="invalid_token"/);
      assert.match(r.body.detail, why);
    };
    await refused(await other.token(user()), /issuer is not accepted/);
    await refused(await idp.token(user({ aud: 'someone-else' })), /audience/);
    await refused(await idp.token(user(), { expiresIn: -120 }), /expired/);
    const rs384 = await idp.server.issuer.keys.generate('RS384');
    await refused(await idp.token(user(), { kid: rs384.kid }), /algorithm 'RS384' is not accepted/);
    await refused(idp.forgeHs256(user({ scope: 'admin mcp' })), /signature/);
    const b64 = (o) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const unsigned = `${b64({ alg: 'none' })}.${b64({ iss: idp.issuer, ...user(), exp: 2e9 })}.`;
    await refused(unsigned, /algorithm 'none' is not accepted/);
  });

  test('a rotated key is picked up on first use; another unknown kid within a minute is not fetched', async () => {
    const fresh = await idp.server.issuer.keys.generate('RS256');
    // The daemon has never seen this kid: it fetches the JWKS once and the request succeeds.
    let r = await whoami(d, await idp.token(user({ preferred_username: 'bob' }), { kid: fresh.kid }));
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.subject, 'bob');
    await d.waitForLog(/issuer http:\/\/127\.0\.0\.1:\d+: 4 signing key\(s\)/);
    const second = await idp.server.issuer.keys.generate('RS256');
    const started = Date.now();
    r = await whoami(d, await idp.token(user(), { kid: second.kid }));
    assert.equal(r.status, 401);
    assert.match(r.body.detail, /kid/);
    assert.ok(Date.now() - started < 1000, 'refused at once, not after a wait');
  });
});

describe('external identity provider that goes away', () => {
  test('a failed fetch keeps the last good keys and is logged once', async () => {
    const idp = await startProvider();
    const d = new Daemon({ auth: { issuers: [issuerConfig(idp)] } });
    try {
      await d.start();
      const good = await idp.token({ aud: AUD, preferred_username: 'carol', scope: 'mcp' });
      assert.equal((await whoami(d, good)).status, 200);
      const unknown = await idp.server.issuer.keys.generate('RS256');
      const pending = await idp.token({ aud: AUD, preferred_username: 'dave', scope: 'mcp' }, { kid: unknown.kid });
      await idp.stop();
      // The fetch this token asks for fails: refused, and the keys held stay in use.
      const r = await whoami(d, pending);
      assert.equal(r.status, 401);
      await d.waitForLog('cannot fetch its signing keys');
      assert.equal((await whoami(d, good)).status, 200);
      // The retry (5 s later) fails too, and is not logged at warn again.
      await sleep(6000);
      assert.equal(d.log.match(/cannot fetch its signing keys/g).length, 1);
      assert.equal((await whoami(d, good)).status, 200);
    } finally {
      await d.cleanup();
    }
  });

  test('a static JWKS file serves without any fetching', async () => {
    const idp = await startProvider({ algs: ['ES256'] });
    const jwks = await (await fetch(`${idp.issuer}/jwks`)).text();
    const token = await idp.token({ aud: AUD, preferred_username: 'erin', scope: 'mcp' });
    await idp.stop();
    const d = new Daemon({});
    const { writeFileSync } = await import('node:fs');
    writeFileSync(`${d.dir}/jwks.json`, jwks);
    const d2 = new Daemon({ auth: { issuers: [issuerConfig(idp, { jwks_file: `${d.dir}/jwks.json`, algorithms: ['ES256'] })] } }, { dir: d.dir });
    try {
      await d2.start();
      const r = await whoami(d2, token);
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.equal(r.body.subject, 'erin');
    } finally {
      await d2.cleanup();
      await d.cleanup();
    }
  });
});

// The SDK's OAuth client side, with a pre-registered client. The authorization step (a browser,
// for a person) is a GET of the provider's authorize URL, which oauth2-mock-server answers with
// the redirect that carries the code.
class TestOAuthProvider {
  constructor() { this.saved = undefined; this.verifier = undefined; this.code = undefined; }
  get redirectUrl() { return 'http://127.0.0.1:9/callback'; }
  get clientMetadata() {
    return { client_name: 'e2e', redirect_uris: [this.redirectUrl], grant_types: ['authorization_code'],
      response_types: ['code'], token_endpoint_auth_method: 'none' };
  }
  clientInformation() { return { client_id: 'e2e-client' }; }
  tokens() { return this.saved; }
  saveTokens(t) { this.saved = t; }
  saveCodeVerifier(v) { this.verifier = v; }
  codeVerifier() { return this.verifier; }
  async redirectToAuthorization(url) {
    this.authorizationUrl = url;
    const r = await fetch(url, { redirect: 'manual' });
    this.code = new URL(r.headers.get('location')).searchParams.get('code');
  }
}

describe('RFC 9728 protected-resource metadata', () => {
  let idp, d, base, billing;
  const issued = [];
  before(async () => {
    idp = await startProvider();
    // Like a provider with RFC 8707 resource indicators: the token's audience is the resource
    // the client asked for; the grant is the scope asked at authorization.
    idp.server.service.on('beforeTokenSigning', (token, req) => {
      if (req.body?.resource) token.payload.aud = req.body.resource;
      token.payload.scope = 'mcp';
      issued.push(token.payload);
    });
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    d = new Daemon({
      server: { port },
      auth: { resource_url: base, issuers: [{ issuer: idp.issuer }] },
    });
    await d.start();
  });
  after(async () => {
    await d.cleanup();
    await idp.stop();
  });

  test('documents for the gateway, /mcp and each server; 401s point at them', async () => {
    const get = async (p) => {
      const r = await fetch(`${base}/.well-known/oauth-protected-resource${p}`);
      return { status: r.status, body: await r.json() };
    };
    let r = await get('');
    assert.equal(r.status, 200);
    assert.deepEqual(r.body, { resource: base, authorization_servers: [idp.issuer],
      scopes_supported: ['admin', 'mcp'], bearer_methods_supported: ['header'], resource_name: 'mcpgw' });
    r = await get('/mcp');
    assert.equal(r.body.resource, `${base}/mcp`);
    assert.deepEqual(r.body.scopes_supported, ['mcp']);
    assert.equal((await get('/servers/nope/mcp')).status, 404);

    const admin = d.token('--sub', 'root', '--scope', 'admin');
    const created = await fetch(`${base}/v1/servers`, {
      method: 'POST', headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'billing' }),
    });
    assert.equal(created.status, 201);
    billing = (await created.json()).id;
    r = await get(`/servers/${billing}/mcp`);
    assert.equal(r.status, 200);
    assert.equal(r.body.resource, `${base}/servers/${billing}/mcp`);

    const res = await fetch(`${base}/servers/${billing}/mcp`, { method: 'POST', body: '{}' });
    assert.equal(res.status, 401);
    assert.equal(res.headers.get('www-authenticate'),
      `Bearer resource_metadata="${base}/.well-known/oauth-protected-resource/servers/${billing}/mcp", scope="mcp"`);
  });

  test('the official SDK client finds the provider through the metadata and connects', async () => {
    const provider = new TestOAuthProvider();
    const url = new URL(`${base}/mcp`);
    const client = new Client({ name: 'e2e-oauth', version: '1' });
    await assert.rejects(client.connect(new StreamableHTTPClientTransport(url, { authProvider: provider })),
      (e) => e.constructor.name === 'UnauthorizedError');
    // It was sent to this provider's authorize endpoint, for this resource and scope.
    const authorize = new URL(provider.authorizationUrl);
    assert.equal(authorize.origin, idp.issuer);
    assert.equal(authorize.searchParams.get('resource'), `${base}/mcp`);
    assert.equal(authorize.searchParams.get('scope'), 'mcp');
    assert.ok(provider.code);
    const transport = new StreamableHTTPClientTransport(url, { authProvider: provider });
    await transport.finishAuth(provider.code);
    assert.equal(issued.at(-1).aud, `${base}/mcp`);
    const connected = new Client({ name: 'e2e-oauth', version: '1' });
    await connected.connect(new StreamableHTTPClientTransport(url, { authProvider: provider }));
    assert.ok(Array.isArray((await connected.listTools()).tools));
    await connected.close();
    // The SDK read the metadata the 401 named.
    await d.waitForLog(/GET \/\.well-known\/oauth-protected-resource\/mcp 200/);
  });

  test('a token for one server resource is refused on another server', async () => {
    const forBilling = await idp.token({ aud: `${base}/servers/${billing}/mcp`, sub: 'u', scope: 'mcp' });
    const who = await (await fetch(`${base}/v1/whoami`, { headers: { authorization: `Bearer ${forBilling}` } })).json();
    assert.deepEqual(who.servers, [billing]);
    const other = await fetch(`${base}/mcp`, {
      method: 'POST',
      headers: { authorization: `Bearer ${forBilling}`, 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'x', version: '1' } } }),
    });
    // /mcp for a token limited to billing: what it may see there is billing's (the existing
    // rule for tokens with servers); another server's endpoint is refused.
    assert.equal(other.status, 200);
    const elsewhere = await fetch(`${base}/servers/other/mcp`, {
      method: 'POST',
      headers: { authorization: `Bearer ${forBilling}`, 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      body: '{"jsonrpc":"2.0","id":1,"method":"ping"}',
    });
    assert.ok([403, 404].includes(elsewhere.status), String(elsewhere.status));
  });
});
