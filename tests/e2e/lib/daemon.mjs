// Starts the built mcpgw daemon on a free loopback port with a throw-away data dir, and cleans up
// by PID. Every test file uses this; nothing here talks to any address but 127.0.0.1.
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, readFileSync, existsSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import net from 'node:net';

const here = dirname(fileURLToPath(import.meta.url));
export const repoRoot = resolve(here, '../../..');
export const binary = process.env.MCPGW_BIN ?? join(repoRoot, 'build/src/mcpgw');

// When set (scripts/test.sh does for its PostgreSQL pass), every daemon gets a database of its own
// in that cluster instead of a SQLite file: the whole suite runs on either engine.
const pgBase = process.env.MCPGW_TEST_POSTGRES_URL;

// psql on a database of the test cluster: rows as `a|b` lines, like the sqlite3 shell prints them.
export function psql(url, statements) {
  return execFileSync('psql', ['-X', '-q', '-A', '-t', '-F', '|', '-v', 'ON_ERROR_STOP=1', url, '-c', statements],
    { encoding: 'utf8' });
}

// A database named `name` in the cluster at `base` (created unless `exists`), its password in
// dir/pg.password: {name, url (without the password, for database.url), passwordFile, adminUrl
// (with it, for psql)}.
export function postgresDatabase(base, dir, name, { exists = false } = {}) {
  if (!exists) psql(base, `CREATE DATABASE ${name}`);
  const admin = new URL(base);
  admin.pathname = `/${name}`;
  const u = new URL(admin);
  const passwordFile = join(dir, 'pg.password');
  writeFileSync(passwordFile, `${decodeURIComponent(u.password)}\n`, { mode: 0o600 });
  u.password = '';
  return { name, url: u.toString(), passwordFile, adminUrl: admin.toString() };
}

// A fresh database for a daemon's dir (or the one made for that dir before).
function postgresFor(dir) {
  const nameFile = join(dir, 'pg.dbname');
  if (existsSync(nameFile)) return postgresDatabase(pgBase, dir, readFileSync(nameFile, 'utf8').trim(), { exists: true });
  const name = `e2e_${randomBytes(6).toString('hex')}`;
  const db = postgresDatabase(pgBase, dir, name);
  writeFileSync(nameFile, `${name}\n`);
  return db;
}

const live = new Set();
function killAll() {
  for (const p of live) {
    try { process.kill(p, 'SIGKILL'); } catch { /* already gone */ }
  }
}
process.on('exit', killAll);

// YAML for a flat {section: {key: value}} object.
function toYaml(cfg) {
  let out = '';
  for (const [section, keys] of Object.entries(cfg)) {
    out += `${section}:\n`;
    for (const [k, v] of Object.entries(keys)) out += `  ${k}: ${JSON.stringify(v)}\n`;
  }
  return out;
}

// What a run of the daemon must end with unless the test said otherwise: the status the README
// documents for a drain that completed (0), not a signal, within `stopTimeoutMs` of SIGTERM.
const cleanExit = { code: 0, signal: null };

// A free loopback port (for a server whose port must be known before it starts).
export async function freePort() {
  const s = net.createServer();
  await new Promise((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address();
  await new Promise((r) => s.close(r));
  return port;
}

export class Daemon {
  // `bin` replaces the daemon binary (the harness's own tests use a fake one); `stopTimeoutMs` is
  // how long a SIGTERM may take before the daemon counts as hung and gets SIGKILL.
  // `pg` ({name, adminUrl}) says the overrides name a PostgreSQL database of the caller's (a
  // cluster's shared one): d.sql() then goes there.
  constructor(overrides = {}, { dir, bin = binary, stopTimeoutMs = 15000, pg } = {}) {
    this.dir = dir ?? mkdtempSync(join(tmpdir(), 'mcpgw-e2e-'));
    this.ownsDir = !dir;
    this.bin = bin;
    this.stopTimeoutMs = stopTimeoutMs;
    this.runs = []; // one {result, expect, hung} per start(), checked by cleanup()
    this.engine = 'sqlite';
    const database = { path: join(this.dir, 'data/mcpgw.db') };
    if (pg) {
      this.engine = 'postgresql';
      this.pg = pg;
    } else if (pgBase && overrides.database?.url === undefined) {
      this.engine = 'postgresql';
      this.pg = postgresFor(this.dir);
      this.ownsDb = true;
      database.url = this.pg.url;
      database.password_file = this.pg.passwordFile;
    }
    const cfg = {
      server: { host: '127.0.0.1', port: 0, workers: 2, ...(overrides.server ?? {}) },
      database: { ...database, ...(overrides.database ?? {}) },
      logging: { level: 'info', ...(overrides.logging ?? {}) },
    };
    for (const [s, v] of Object.entries(overrides)) if (!cfg[s]) cfg[s] = v;
    this.configPath = join(this.dir, 'mcpgw.yaml');
    writeFileSync(this.configPath, toYaml(cfg));
    this.log = '';
    this.earlierLogs = '';
    this.proc = null;
    this.exit = null;
  }

  // Resolves once the daemon logged its listening address.
  async start({ env = {}, timeoutMs = 15000 } = {}) {
    this.earlierLogs += this.log; // a restart keeps the earlier runs' output for cleanup()
    this.log = '';
    this.proc = spawn(this.bin, ['serve', '-c', this.configPath], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    const proc = this.proc;
    const run = { pid: proc.pid, result: null, expect: cleanExit, hung: false };
    this.runs.push(run);
    live.add(proc.pid);
    // 'close', not 'exit': stderr is read to its end first, so a report printed at exit is seen.
    this.exit = new Promise((res) => proc.on('close', (code, signal) => {
      live.delete(proc.pid);
      run.result = { code, signal };
      res(run.result);
    }));
    this.proc.stderr.setEncoding('utf8');
    await new Promise((res, rej) => {
      const timer = setTimeout(() => rej(new Error(`daemon did not start:\n${this.log}`)), timeoutMs);
      this.proc.stderr.on('data', (chunk) => {
        this.log += chunk;
        const m = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(this.log);
        if (m && !this.port) {
          this.port = Number(m[1]);
          clearTimeout(timer);
          res();
        }
      });
      this.exit.then(({ code }) => { clearTimeout(timer); rej(new Error(`daemon exited ${code}:\n${this.log}`)); });
    });
    this.base = `http://127.0.0.1:${this.port}`;
    return this;
  }

  // Resolves with the match once `pattern` (a RegExp or a string) shows up in this run's log; the
  // daemon's logger flushes at least once a second, so a line may arrive up to a second late.
  async waitForLog(pattern, { timeoutMs = 5000 } = {}) {
    const re = typeof pattern === 'string' ? new RegExp(pattern.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')) : pattern;
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const m = re.exec(this.log);
      if (m) return m;
      if (Date.now() > deadline) throw new Error(`no ${re} in the daemon's log within ${timeoutMs} ms:\n${this.log}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  // Runs SQL on the daemon's database (the sqlite3 shell or psql); rows as `a|b` lines.
  sql(statements) {
    if (this.engine === 'postgresql') return psql(this.pg.adminUrl, statements);
    return execFileSync('sqlite3', ['-cmd', '.timeout 5000', join(this.dir, 'data/mcpgw.db'), statements],
      { encoding: 'utf8' });
  }

  token(...args) {
    return execFileSync(this.bin, ['token', 'create', ...args, '-c', this.configPath], { encoding: 'utf8' }).trim();
  }

  // Sends `signal` and waits for the exit; SIGKILL after stopTimeoutMs (the run then counts as
  // hung, which cleanup() reports). A run stopped with SIGKILL is expected to end by it; `expect`
  // names any other status the test wants (cleanup() checks it).
  async stop(signal = 'SIGTERM', { expect } = {}) {
    if (!this.proc) return null;
    const run = this.runs.at(-1);
    if (expect) run.expect = expect;
    else if (signal === 'SIGKILL') run.expect = { code: null, signal: 'SIGKILL' };
    if (this.proc.exitCode === null && this.proc.signalCode === null) {
      this.proc.kill(signal);
      const hang = setTimeout(() => {
        run.hung = true;
        try { this.proc.kill('SIGKILL'); } catch { /* gone meanwhile */ }
      }, this.stopTimeoutMs);
      await this.exit;
      clearTimeout(hang);
    }
    this.port = undefined;
    return this.exit;
  }

  // Stops the daemon gracefully (so sanitizers get to report at exit) and fails the test if any
  // run of it did not end as expected (by default: status 0 within stopTimeoutMs of SIGTERM, so a
  // crash, a hang, or a non-zero status after draining all fail) or any sanitizer spoke.
  async cleanup() {
    try {
      await this.stop('SIGTERM');
      for (const run of this.runs) {
        if (run.hung) {
          throw new Error(`daemon pid ${run.pid} did not exit within ${this.stopTimeoutMs} ms of SIGTERM:\n${this.log}`);
        }
        const want = run.expect;
        if (run.result.code !== want.code || run.result.signal !== want.signal) {
          throw new Error(`daemon pid ${run.pid} ended with ${JSON.stringify(run.result)}, ` +
            `expected ${JSON.stringify(want)}:\n${this.log}`);
        }
      }
      assertNoSanitizerReport(this.earlierLogs + this.log);
    } finally {
      if (this.ownsDir) {
        rmSync(this.dir, { recursive: true, force: true });
        if (this.ownsDb) {
          try { psql(pgBase, `DROP DATABASE IF EXISTS ${this.pg.name} WITH (FORCE)`); } catch { /* the cluster is thrown away */ }
        }
      }
    }
  }
}

export function assertNoSanitizerReport(log) {
  const m = /(ERROR: (AddressSanitizer|LeakSanitizer)|WARNING: ThreadSanitizer|runtime error: )[^\n]*/.exec(log);
  if (m) throw new Error(`sanitizer report from the daemon: ${m[0]}\n${log}`);
}

// Sends raw bytes on a fresh connection and collects everything the server sends until it closes
// the connection (or until `idleMs` passes with nothing new, if given).
export function rawExchange(port, chunks, { idleMs, gapMs = 0, timeoutMs = 10000 } = {}) {
  return new Promise((res, rej) => {
    const sock = net.connect(port, '127.0.0.1');
    let data = '';
    let idleTimer;
    const done = () => { clearTimeout(idleTimer); clearTimeout(hard); sock.destroy(); res(data); };
    const hard = setTimeout(() => { sock.destroy(); rej(new Error(`no close within ${timeoutMs} ms; got: ${data}`)); }, timeoutMs);
    sock.setEncoding('utf8');
    sock.on('data', (d) => {
      data += d;
      if (idleMs) { clearTimeout(idleTimer); idleTimer = setTimeout(done, idleMs); }
    });
    sock.on('end', done);
    sock.on('close', done);
    sock.on('error', (e) => (data ? done() : rej(e)));
    sock.on('connect', async () => {
      for (const c of [].concat(chunks)) {
        if (sock.destroyed) break;
        sock.write(c);
        if (gapMs) await new Promise((r) => setTimeout(r, gapMs));
      }
    });
  });
}

export function statusOf(raw) {
  const m = /^HTTP\/1\.1 (\d{3})/.exec(raw);
  return m ? Number(m[1]) : null;
}
