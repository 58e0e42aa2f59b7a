// Starts the built mcpgw daemon on a free loopback port with a throw-away data dir, and cleans up
// by PID. Every test file uses this; nothing here talks to any address but 127.0.0.1.
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import net from 'node:net';

const here = dirname(fileURLToPath(import.meta.url));
export const repoRoot = resolve(here, '../../..');
export const binary = process.env.MCPGW_BIN ?? join(repoRoot, 'build/src/mcpgw');

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

export class Daemon {
  constructor(overrides = {}, { dir } = {}) {
    this.dir = dir ?? mkdtempSync(join(tmpdir(), 'mcpgw-e2e-'));
    this.ownsDir = !dir;
    const cfg = {
      server: { host: '127.0.0.1', port: 0, workers: 2, ...(overrides.server ?? {}) },
      database: { path: join(this.dir, 'data/mcpgw.db'), ...(overrides.database ?? {}) },
      logging: { level: 'info', ...(overrides.logging ?? {}) },
    };
    for (const [s, v] of Object.entries(overrides)) if (!cfg[s]) cfg[s] = v;
    this.configPath = join(this.dir, 'mcpgw.yaml');
    writeFileSync(this.configPath, toYaml(cfg));
    this.log = '';
    this.proc = null;
    this.exit = null;
  }

  // Resolves once the daemon logged its listening address.
  async start({ env = {}, timeoutMs = 15000 } = {}) {
    this.log = '';
    this.proc = spawn(binary, ['serve', '-c', this.configPath], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    live.add(this.proc.pid);
    this.exit = new Promise((res) => this.proc.on('exit', (code, signal) => {
      live.delete(this.proc.pid);
      res({ code, signal });
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

  token(...args) {
    return execFileSync(binary, ['token', 'create', ...args, '-c', this.configPath], { encoding: 'utf8' }).trim();
  }

  async stop(signal = 'SIGTERM') {
    if (this.proc && this.proc.exitCode === null && this.proc.signalCode === null) this.proc.kill(signal);
    const result = this.proc ? await this.exit : null;
    this.port = undefined;
    return result;
  }

  // Stops the daemon gracefully (so sanitizers get to report at exit) and fails the test if it
  // did not exit cleanly or any sanitizer spoke. SIGKILL only if it hangs.
  async cleanup() {
    try {
      if (this.proc && this.proc.exitCode === null && this.proc.signalCode === null) {
        const hang = setTimeout(() => this.proc.kill('SIGKILL'), 15000);
        await this.stop('SIGTERM');
        clearTimeout(hang);
      }
      assertNoSanitizerReport(this.log);
    } finally {
      if (this.ownsDir) rmSync(this.dir, { recursive: true, force: true });
    }
  }
}

export function assertNoSanitizerReport(log) {
  const m = /(ERROR: (AddressSanitizer|LeakSanitizer)|runtime error: )[^\n]*/.exec(log);
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
