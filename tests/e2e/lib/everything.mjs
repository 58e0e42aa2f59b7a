// Starts npm @modelcontextprotocol/server-everything in streamableHttp mode as a child process on
// 127.0.0.1 and a free port. The package listens on every interface by default; the child loads
// lib/loopback_listen.cjs first, which pins every listen() to 127.0.0.1 and reports the port.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const entry = join(dirname(require.resolve('@modelcontextprotocol/server-everything/package.json')), 'dist/index.js');

const live = new Set();
process.on('exit', () => { for (const p of live) { try { process.kill(p, 'SIGKILL'); } catch { /* gone */ } } });

// record: print every request body the upstream receives (lib/record_bodies.cjs); `bodies()` then
// gives the JSON-RPC messages received so far, in order.
export async function startEverything({ port = 0, record = false } = {}) {
  const preload = ['--require', join(here, 'loopback_listen.cjs')];
  if (record) preload.push('--require', join(here, 'record_bodies.cjs'));
  const proc = spawn(process.execPath, [...preload, entry, 'streamableHttp'], {
    env: { ...process.env, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  live.add(proc.pid);
  let out = '';
  const exited = new Promise((res) => proc.on('exit', (code, signal) => { live.delete(proc.pid); res({ code, signal }); }));
  const bound = await new Promise((res, rej) => {
    const timer = setTimeout(() => rej(new Error(`server-everything did not start:\n${out}`)), 20000);
    const onData = (chunk) => {
      out += chunk;
      const m = /MCPGW_TEST_LISTENING (\d+)/.exec(out);
      if (m) { clearTimeout(timer); res(Number(m[1])); }
    };
    proc.stdout.setEncoding('utf8'); proc.stderr.setEncoding('utf8');
    proc.stdout.on('data', onData); proc.stderr.on('data', onData);
    exited.then(({ code }) => { clearTimeout(timer); rej(new Error(`server-everything exited ${code}:\n${out}`)); });
  });
  return {
    port: bound,
    url: `http://127.0.0.1:${bound}/mcp`,
    pid: proc.pid,
    output: () => out,
    bodies: () => [...out.matchAll(/^MCPGW_TEST_BODY \S+ \S+ (.*)$/gm)].flatMap((m) => {
      const text = JSON.parse(m[1]);
      try { return [].concat(JSON.parse(text)); } catch { return []; }
    }),
    async stop() {
      if (!live.has(proc.pid)) return;
      proc.kill('SIGKILL');
      await exited;
    },
  };
}
