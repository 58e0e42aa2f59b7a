// Waiting on conditions instead of fixed sleeps: a test waits for what it expects to happen, and
// fails with `what` when it does not happen in time.
export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export async function until(cond, what, { timeoutMs = 5000, everyMs = 20 } = {}) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await cond();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(everyMs);
  }
}
