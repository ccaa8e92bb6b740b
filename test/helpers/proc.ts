import { readdirSync, readFileSync } from 'node:fs';

/**
 * The fields of /proc/PID/stat after "(comm)" (which may contain spaces): [0] state, [1] ppid,
 * [11] utime, [12] stime (clock ticks). Throws when the process is gone.
 */
export function procStat(pid: number | string): string[] {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
}

/** PIDs whose parent is `ppid` (from /proc; Linux only). */
export function childPids(ppid: number): number[] {
  const out: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      if (Number(procStat(name)[1]) === ppid) out.push(Number(name));
    } catch {
      // The process went away while we looked.
    }
  }
  return out;
}

/** True while a process exists and is not a zombie. */
export function pidAlive(pid: number): boolean {
  try {
    return procStat(pid)[0] !== 'Z';
  } catch {
    return false;
  }
}

/** Open file descriptors of this process. */
export function openFdCount(): number {
  return readdirSync('/proc/self/fd').length;
}

/** The command name of a process (e.g. "ffmpeg"), or undefined when it is gone. */
export function processName(pid: number): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    return undefined;
  }
}
