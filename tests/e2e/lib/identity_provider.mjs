// A real OpenID provider for the tests (npm oauth2-mock-server) on loopback: discovery, JWKS,
// token and authorize endpoints, keys generated per test, tokens built with any claims.
import { createHmac, createPublicKey } from 'node:crypto';
import { OAuth2Server } from 'oauth2-mock-server';

export async function startProvider({ algs = ['RS256'], port = 0 } = {}) {
  const server = new OAuth2Server();
  const keys = {};
  for (const alg of algs) keys[alg] = await server.issuer.keys.generate(alg);
  await server.start(port, '127.0.0.1');
  // By address, not "localhost" (which may resolve to ::1, where nothing listens).
  server.issuer.url = `http://127.0.0.1:${server.address().port}`;
  const issuer = server.issuer.url;
  return {
    server,
    issuer,
    port: Number(new URL(issuer).port),
    keys,
    // A token signed with the key of `alg` (or the key `kid`), with these claims on top of
    // iss/iat/nbf/exp; `expiresIn` seconds (negative: already expired).
    async token(claims = {}, { alg = algs[0], kid, expiresIn = 300 } = {}) {
      return server.issuer.buildToken({
        kid: kid ?? keys[alg].kid,
        expiresIn,
        scopesOrTransform: (_header, payload) => Object.assign(payload, claims),
      });
    },
    // The classic confusion attack: HS256 keyed with the provider's RSA public key as PEM.
    forgeHs256(claims) {
      const jwk = keys.RS256.toJSON ? keys.RS256.toJSON() : keys.RS256;
      const { d, p, q, dp, dq, qi, ...pub } = jwk;
      const pem = createPublicKey({ key: pub, format: 'jwk' }).export({ type: 'spki', format: 'pem' });
      const b64 = (o) => Buffer.from(JSON.stringify(o)).toString('base64url');
      const now = Math.floor(Date.now() / 1000);
      const head = b64({ alg: 'HS256', typ: 'JWT', kid: jwk.kid });
      const body = b64({ iss: issuer, iat: now, exp: now + 300, ...claims });
      const sig = createHmac('sha256', pem).update(`${head}.${body}`).digest('base64url');
      return `${head}.${body}.${sig}`;
    },
    stop: () => server.stop(),
  };
}
