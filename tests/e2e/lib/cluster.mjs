// Several mcpgw nodes on one PostgreSQL database, as an operator runs them: one database, one JWT
// secret, one credentials key. The PostgreSQL cluster is the run's (MCPGW_TEST_POSTGRES_URL) or,
// in the SQLite pass, the one scripts/test.sh started for the run (MCPGW_TEST_CLUSTER_POSTGRES_URL:
// only these tests use it) or else one this file starts for itself in a temp dir
// (scripts/pg_cluster.sh, several seconds) and stops by PID at exit.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Daemon, postgresDatabase, psql, repoRoot } from './daemon.mjs';

let own; // the cluster this process started, if any
process.on('exit', () => {
  if (!own) return;
  try { execFileSync(join(repoRoot, 'scripts/pg_cluster.sh'), ['stop', own], { stdio: 'ignore' }); } catch { /* gone */ }
  rmSync(own, { recursive: true, force: true });
});

// The admin URL (with its password) of a PostgreSQL cluster for this test process.
export function postgresUrl() {
  if (process.env.MCPGW_TEST_POSTGRES_URL) return process.env.MCPGW_TEST_POSTGRES_URL;
  if (process.env.MCPGW_TEST_CLUSTER_POSTGRES_URL) return process.env.MCPGW_TEST_CLUSTER_POSTGRES_URL;
  if (!own) {
    own = mkdtempSync(join(tmpdir(), 'mcpgw-pg-'));
    execFileSync(join(repoRoot, 'scripts/pg_cluster.sh'), ['start', own], { env: { ...process.env, PG_FSYNC: 'off' }, stdio: 'ignore' });
  }
  return execFileSync(join(repoRoot, 'scripts/pg_cluster.sh'), ['url', own], { encoding: 'utf8' }).trim();
}

export class Cluster {
  // n nodes, each with `overrides` (sections of the config, as Daemon takes them).
  constructor(n, overrides = {}) {
    this.dir = mkdtempSync(join(tmpdir(), 'mcpgw-cluster-'));
    this.db = postgresDatabase(postgresUrl(), this.dir, `cluster_${randomBytes(6).toString('hex')}`);
    this.dbName = this.db.name;
    this.adminUrl = this.db.adminUrl;
    this.url = this.db.url;
    writeFileSync(join(this.dir, 'jwt.secret'), `${randomBytes(32).toString('hex')}\n`, { mode: 0o600 });
    writeFileSync(join(this.dir, 'credentials.key'), `${randomBytes(32).toString('hex')}\n`, { mode: 0o600 });
    this.nodes = [];
    for (let i = 0; i < n; i++) this.nodes.push(this.node(overrides));
  }

  // A node of this cluster, not started; another one may join later.
  node(overrides = {}) {
    const d = new Daemon({
      ...overrides,
      database: {
        url: this.url, password_file: this.db.passwordFile,
        credentials_key_file: join(this.dir, 'credentials.key'), ...(overrides.database ?? {}),
      },
      auth: { jwt_secret_file: join(this.dir, 'jwt.secret'), ...(overrides.auth ?? {}) },
    }, { pg: { name: this.dbName, adminUrl: this.adminUrl } });
    return d;
  }

  sql(statements) { return psql(this.adminUrl, statements); }

  // Registers an upstream MCP server through base (a node, or a load balancer in front of the
  // nodes) with an admin token: { status, body } of the answer.
  static async addGateway(base, adminToken, name, url) {
    const r = await fetch(`${base}/v1/gateways`, {
      method: 'POST', headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name, url }),
    });
    return { status: r.status, body: await r.json() };
  }

  async start() { await Promise.all(this.nodes.map((d) => d.start())); return this; }

  // Every node is cleaned up even when one of them fails its check (the first failure is thrown
  // after): a node left running keeps the test file's process alive, and the run hangs.
  async cleanup() {
    try {
      const failures = [];
      for (const d of this.nodes) await d.cleanup().catch((e) => failures.push(e));
      if (failures.length) throw failures[0];
    } finally {
      rmSync(this.dir, { recursive: true, force: true });
      try { psql(postgresUrl(), `DROP DATABASE IF EXISTS ${this.dbName} WITH (FORCE)`); } catch { /* thrown away */ }
    }
  }
}
