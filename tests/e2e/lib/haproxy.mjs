// haproxy from Debian in front of a Cluster's nodes, with the repository's own configuration
// (docker/haproxy.cfg: round robin, no stickiness), bound to 127.0.0.1. Stopped by PID.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { freePort, repoRoot } from './daemon.mjs';
import { until } from './wait.mjs';

const running = new Set();
process.on('exit', () => { for (const p of running) try { p.kill('SIGKILL'); } catch { /* gone */ } });

export class Haproxy {
  // nodes: started Daemons (three: the configuration names node1..node3).
  async start(nodes) {
    this.port = await freePort();
    this.base = `http://127.0.0.1:${this.port}`;
    // A test's few connections; the files a large maxconn asks for may be above this machine's limit.
    const env = { ...process.env, MCPGW_LB_BIND: `127.0.0.1:${this.port}`, MCPGW_LB_MAXCONN: '1000' };
    nodes.forEach((d, i) => { env[`MCPGW_NODE${i + 1}`] = `127.0.0.1:${d.port}`; });
    this.log = '';
    this.proc = spawn('/usr/sbin/haproxy', ['-db', '-f', join(repoRoot, 'docker/haproxy.cfg')], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    running.add(this.proc);
    for (const s of [this.proc.stdout, this.proc.stderr]) s.on('data', (b) => { this.log += b.toString(); });
    this.exit = new Promise((r) => this.proc.on('close', r));
    // Up when it answers, and every node is in the rotation (its /ready check passed).
    await until(async () => {
      const ok = [];
      for (let i = 0; i < nodes.length; i++) ok.push(await fetch(`${this.base}/ready`).then((r) => r.status === 200, () => false));
      return ok.every(Boolean);
    }, () => `haproxy on ${this.base}:\n${this.log}`, { timeoutMs: 10000 });
    return this;
  }

  async stop() {
    if (!this.proc || this.proc.exitCode !== null) return;
    this.proc.kill('SIGTERM');
    await this.exit;
    running.delete(this.proc);
  }
}
