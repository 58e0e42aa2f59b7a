// Waiting on conditions instead of fixed sleeps: a test waits for what it expects to happen, and
// fails with `what` when it does not happen in time (a function is called then, so that the
// message tells the state at the deadline).
export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export async function until(cond, what, { timeoutMs = 5000, everyMs = 20 } = {}) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await cond();
    if (v) return v;
    if (Date.now() > deadline) {
      const text = typeof what === 'function' ? await what() : what;
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${text}`);
    }
    await sleep(everyMs);
  }
}
