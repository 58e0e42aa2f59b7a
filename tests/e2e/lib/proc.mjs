// A process's levels as /proc shows them (Linux): what the abuse tests and the soak driver watch.
import { readdirSync, readFileSync } from 'node:fs';

export const openFds = (pid) => readdirSync(`/proc/${pid}/fd`).length;
export const rssKiB = (pid) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]);
// utime + stime in clock ticks (1/100 s on Linux): fields 14 and 15 of /proc/<pid>/stat.
export const cpuTicks = (pid) => {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return Number(f[11]) + Number(f[12]);
};
// Whether the process runs under a sanitizer's allocator (ASan, TSan): it keeps freed memory in
// quarantine and its own caches by design (ASan: 256 MiB), so RSS says nothing about the
// program's own memory there; leaks are LSan's to report at exit instead.
const sanitizerOf = (pid) => /lib(asan|tsan)\.so/.exec(readFileSync(`/proc/${pid}/maps`, 'utf8'))?.[1];
export const sanitizerAllocator = (pid) => sanitizerOf(pid) !== undefined;
// How many times slower than the release build the process runs, roughly, for the patience of a
// wait on work it must finish (never for a figure: benchmarks measure those). Measured on the
// 10,000-connection churn of abuse.test.mjs: TSan took 20 s to close what the release build
// closes in under 5 s (its descriptors fell steadily, none was stuck).
export const slowdown = (pid) => ({ tsan: 4, asan: 2 })[sanitizerOf(pid)] ?? 1;
