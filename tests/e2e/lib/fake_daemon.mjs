#!/usr/bin/env node
// A stand-in for the mcpgw binary, for the harness's own tests (harness.test.mjs): it announces a
// listening address like the daemon and ends on SIGTERM the way FAKE_DAEMON_END says: "clean"
// (status 0), "status3" (status 3), "segv" (killed by SIGSEGV after "draining"), "hang" (never),
// "report" (prints a sanitizer-style report, then status 0).
import net from 'node:net';

const end = process.env.FAKE_DAEMON_END ?? 'clean';
const server = net.createServer((s) => s.destroy());
server.listen(0, '127.0.0.1', () => {
  process.stderr.write(`[info] listening on http://127.0.0.1:${server.address().port}\n`);
});
process.on('SIGTERM', () => {
  process.stderr.write('[info] drained; exiting\n');
  if (end === 'hang') return;
  if (end === 'segv') { process.kill(process.pid, 'SIGSEGV'); return; }
  if (end === 'report') process.stderr.write('==1==ERROR: AddressSanitizer: heap-use-after-free on address 0x1\n');
  process.exit(end === 'status3' ? 3 : 0);
});
