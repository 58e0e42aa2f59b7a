// The e2e harness itself must be able to fail: Daemon.cleanup() rejects a daemon that crashed,
// hung, ended with a status it should not, or printed a sanitizer report, across restarts too.
// Driven with a fake daemon (lib/fake_daemon.mjs) that ends each of those ways on SIGTERM.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { Daemon } from './lib/daemon.mjs';

const fake = join(import.meta.dirname ?? new URL('.', import.meta.url).pathname, 'lib/fake_daemon.mjs');

async function endedBy(end, { stopTimeoutMs = 15000, restart = false } = {}) {
  const d = new Daemon({}, { bin: fake, stopTimeoutMs });
  await d.start({ env: { FAKE_DAEMON_END: end } });
  if (restart) {
    await d.stop();
    await d.start({ env: { FAKE_DAEMON_END: 'clean' } });
  }
  return d.cleanup();
}

describe('Daemon.cleanup', () => {
  test('passes a daemon that exits 0 on SIGTERM', async () => {
    await endedBy('clean');
  });

  test('fails a daemon killed by a signal after draining', async () => {
    await assert.rejects(endedBy('segv'), /ended with \{"code":null,"signal":"SIGSEGV"\}/);
  });

  test('fails a daemon that exits non-zero', async () => {
    await assert.rejects(endedBy('status3'), /ended with \{"code":3,"signal":null\}/);
  });

  test('fails a daemon that does not exit after SIGTERM', async () => {
    await assert.rejects(endedBy('hang', { stopTimeoutMs: 500 }), /did not exit within 500 ms of SIGTERM/);
  });

  test('fails on a sanitizer report', async () => {
    await assert.rejects(endedBy('report'), /sanitizer report from the daemon: ERROR: AddressSanitizer/);
  });

  test('checks every run of a restarted daemon, not only the last', async () => {
    await assert.rejects(endedBy('segv', { restart: true }), /SIGSEGV/);
    await assert.rejects(endedBy('report', { restart: true }), /AddressSanitizer/);
  });

  test('a daemon stopped with SIGKILL on purpose is not a failure', async () => {
    const d = new Daemon({}, { bin: fake });
    await d.start({ env: { FAKE_DAEMON_END: 'hang' } });
    assert.deepEqual(await d.stop('SIGKILL'), { code: null, signal: 'SIGKILL' });
    await d.cleanup();
  });
});
