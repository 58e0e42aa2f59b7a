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
export const sanitizerAllocator = (pid) => /lib(asan|tsan)\.so/.test(readFileSync(`/proc/${pid}/maps`, 'utf8'));
