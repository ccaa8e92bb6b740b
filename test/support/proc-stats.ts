import { readdirSync, readFileSync } from 'node:fs';
import { childPids, processName, procStat } from './process.js';

/** Memory of one process from /proc/PID/smaps_rollup, in KiB (Linux only). */
export interface MemoryFigures {
  rssKb: number;
  /** Proportional set size: each shared page split among the processes mapping it. */
  pssKb: number;
  pssAnonKb: number;
  pssFileKb: number;
}

/** PSS/RSS of a process; undefined when it is gone. */
export function memoryOf(pid: number): MemoryFigures | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
  } catch {
    return undefined;
  }
  const field = (name: string) => {
    const m = new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(text);
    return m ? Number(m[1]) : 0;
  };
  return {
    rssKb: field('Rss'),
    pssKb: field('Pss'),
    pssAnonKb: field('Pss_Anon'),
    pssFileKb: field('Pss_File'),
  };
}

/** Open file descriptors of a process (0 when it is gone). */
export function fdCount(pid: number): number {
  try {
    return readdirSync(`/proc/${pid}/fd`).length;
  } catch {
    return 0;
  }
}

/**
 * CPU seconds (user + system) a process (or a thread: `PID/task/TID`) has used so far; 0 when it is gone.
 */
export function cpuSecondsOf(pid: number | string): number {
  try {
    const f = procStat(pid);
    return (Number(f[11]) + Number(f[12])) / 100;
  } catch {
    return 0;
  }
}

/** Busy and total CPU seconds of the whole machine so far (/proc/stat), for the background load. */
export function machineCpu(): { busy: number; total: number } {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.split(/\s+/).slice(1).map(Number);
  const idle = line[3]! + (line[4] ?? 0);
  const total = line.reduce((a, b) => a + b, 0);
  return { busy: (total - idle) / 100, total: total / 100 };
}

/** CPU seconds of a process and all its descendants (e.g. the RTSP test server and its feeders). */
export function treeCpuSeconds(pid: number): number {
  let sum = cpuSecondsOf(pid);
  for (const child of childPids(pid)) sum += treeCpuSeconds(child);
  return sum;
}

/** Children of `ppid` running `name` (e.g. the gateway's ffmpeg processes). */
export function childrenNamed(ppid: number, name: string): number[] {
  return childPids(ppid).filter((pid) => processName(pid) === name);
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** Least-squares slope of y over x (per unit of x); 0 for fewer than two points. */
export function slope(xs: readonly number[], ys: readonly number[]): number {
  const n = Math.min(xs.length, ys.length);
  if (n < 2) return 0;
  let sx = 0;
  let sy = 0;
  for (let i = 0; i < n; i++) {
    sx += xs[i]!;
    sy += ys[i]!;
  }
  const mx = sx / n;
  const my = sy / n;
  let num = 0;
  let den = 0;
  for (let i = 0; i < n; i++) {
    num += (xs[i]! - mx) * (ys[i]! - my);
    den += (xs[i]! - mx) ** 2;
  }
  return den === 0 ? 0 : num / den;
}
