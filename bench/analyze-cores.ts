/**
 * npm run bench:analyze-cores — `analyze` of recorded footage on every core: one inference session vs
 * one per core.
 *
 * Runs `ioc-edge analyze CLIP --every-frame --json --sessions N` (the built gateway, node dist/cli.js) on
 * each clip, alternating N = 1 and N = cores, and N = 1 held to one core (`taskset -c 0`: what the work
 * gets from one core, decoder included, so the N = cores row says how well it spreads over the others),
 * `--runs` times each; reports the median fps (min-max), the
 * CPU time per frame of the whole run (node, its worker threads and ffmpeg, from the children's rusage),
 * the cores it kept busy (CPU time / wall time) and whether the counts are the same. The projected ceiling
 * is what the CPU time per frame allows on the box's idle cores: cores x 1000 / (CPU ms per frame). Where
 * that CPU time goes is sampled from /proc while it runs: ffmpeg (decode, scale, ffprobe), node's main
 * thread (reading frames, pre- and post-processing, tracking, analytics) and node's other threads (the
 * inference sessions, with V8's and libuv's helpers).
 *
 *   npm run bench:analyze-cores -- [--clips nl_motorway_overpass,...] [--runs 3] [--no-build]
 *
 * Appends its section to bench/results/capacity.{md,json} (key "analyze").
 */
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs, promisify } from 'node:util';
import { ROOT } from '../test/support/cli.js';
import { buildGateway } from '../test/support/gateway-run.js';
import { cpuSecondsOf, median } from '../test/support/proc-stats.js';
import { procStat, removeDir, tempDir } from '../test/support/process.js';
import { MEDIA_DIR } from '../test/support/rtsp-camera.js';

const run = promisify(execFile);
const { values } = parseArgs({
  options: {
    clips: {
      type: 'string',
      default: 'nl_motorway_overpass,jakarta_dense_traffic_motorcycles,uk_motorway_heavy_rain',
    },
    runs: { type: 'string', default: '3' },
    'no-build': { type: 'boolean', default: false },
  },
});
const CORES = availableParallelism();
const r1 = (x: number) => Math.round(x * 10) / 10;
const r2 = (x: number) => Math.round(x * 100) / 100;

/** CPU ms used by this process's waited-for children (and theirs: ffmpeg under analyze). */
function childrenCpuMs(): number {
  const f = procStat('self');
  return (Number(f[13]) + Number(f[14])) * 10;
}

/** Where a run's CPU time went, ms per frame. */
interface CpuSplit {
  ffmpeg: number;
  main: number;
  others: number;
}

/**
 * CPU time of each thread of a process tree, sampled from /proc every `everyMs` until stopped (a thread's
 * ticks after its last sample are missed: `stop` gives shares, to apply to the exact total from rusage).
 */
function sampleThreads(pid: number, everyMs = 50) {
  const last = new Map<string, { role: keyof CpuSplit; ms: number }>();
  const visit = (p: number) => {
    let tids: string[];
    try {
      tids = readdirSync(`/proc/${p}/task`);
    } catch {
      return;
    }
    for (const tid of tids) {
      // analyze's only child processes are ffmpeg and ffprobe.
      const role = p !== pid ? 'ffmpeg' : tid === String(pid) ? 'main' : 'others';
      const key = `${p}/task/${tid}`;
      // 0 once the thread is gone: keep its last sample.
      const ms = cpuSecondsOf(key) * 1000;
      if (ms > (last.get(key)?.ms ?? 0)) last.set(key, { role, ms });
      try {
        // Each thread's own children file, not process.ts' childPids (which reads every process's stat):
        // this runs 20 times a second on the box being measured.
        for (const c of readFileSync(`/proc/${key}/children`, 'utf8').split(' ')) if (c) visit(Number(c));
      } catch {
        // The thread ended between the listing and the read.
      }
    }
  };
  const timer = setInterval(() => visit(pid), everyMs);
  return {
    /** Each role's share of the sampled CPU time. */
    stop(): CpuSplit {
      clearInterval(timer);
      const ms: CpuSplit = { ffmpeg: 0, main: 0, others: 0 };
      for (const t of last.values()) ms[t.role] += t.ms;
      const total = ms.ffmpeg + ms.main + ms.others || 1;
      return { ffmpeg: ms.ffmpeg / total, main: ms.main / total, others: ms.others / total };
    },
  };
}

interface Run {
  fps: number;
  frames: number;
  cpuMsPerFrame: number;
  cpuSplit: CpuSplit;
  coresBusy: number;
  counts: unknown;
}

/** The runs of one clip: one session on one core, one session, one per core. */
const MODES = [
  { key: 'one-core', sessions: 1, pinned: true },
  { key: '1', sessions: 1, pinned: false },
  { key: String(CORES), sessions: CORES, pinned: false },
] as const;

async function analyzeOnce(clip: string, config: string, sessions: number, pinned: boolean): Promise<Run> {
  const c0 = childrenCpuMs();
  const t0 = performance.now();
  const pending = run(
    pinned ? 'taskset' : process.execPath,
    [
      ...(pinned ? ['-c', '0', process.execPath] : []),
      join(ROOT, 'dist', 'cli.js'),
      'analyze',
      clip,
      '--config',
      config,
      '--json',
      '--every-frame',
      '--sessions',
      String(sessions),
    ],
    { cwd: ROOT, maxBuffer: 16 * 1024 * 1024 },
  );
  // taskset execs node: the same pid.
  const sampler = sampleThreads(pending.child.pid!);
  let stdout: string;
  let shares: CpuSplit;
  try {
    ({ stdout } = await pending);
  } finally {
    shares = sampler.stop();
  }
  const wallMs = performance.now() - t0;
  const cpu = childrenCpuMs() - c0;
  const report = JSON.parse(stdout) as { fps: number; frames: number; counts: unknown };
  const perFrame = cpu / report.frames;
  return {
    fps: report.fps,
    frames: report.frames,
    cpuMsPerFrame: perFrame,
    cpuSplit: {
      ffmpeg: shares.ffmpeg * perFrame,
      main: shares.main * perFrame,
      others: shares.others * perFrame,
    },
    coresBusy: cpu / wallMs,
    counts: report.counts,
  };
}

interface Row {
  clip: string;
  sessions: number;
  /** Held to one core with taskset. */
  oneCore: boolean;
  fps: { median: number; min: number; max: number };
  cpuMsPerFrame: number;
  cpuSplit: CpuSplit;
  coresBusy: number;
  ceilingFps: number;
  sameCounts: boolean;
}

async function main() {
  if (!values['no-build']) buildGateway();
  const dir = tempDir('bench-analyze');
  const load = loadavg();
  const rows: Row[] = [];
  try {
    for (const name of values.clips.split(',')) {
      const clip = join(MEDIA_DIR, `${name}.mp4`);
      const config = join(dir, `${name}.yaml`);
      writeFileSync(
        config,
        [
          'node: { id: bench, site: bench }',
          `models: { dir: ${JSON.stringify(join(ROOT, 'models'))} }`,
          'cameras:',
          '  - id: clip',
          `    url: ${JSON.stringify(`file://${clip}`)}`,
          '    detect: { motion: { enabled: false } }',
          '    lines: [{ id: mid, points: [[0, 0.5], [1, 0.5]], directions: [down, up] }]',
        ].join('\n'),
      );
      const runs: Record<string, Run[]> = Object.fromEntries(MODES.map((m) => [m.key, []]));
      for (let i = 0; i < Number(values.runs); i++) {
        for (const m of MODES) {
          const r = await analyzeOnce(clip, config, m.sessions, m.pinned);
          runs[m.key]!.push(r);
          console.log(name, m.key, JSON.stringify({ ...r, counts: undefined }));
        }
      }
      const reference = JSON.stringify(runs['1']![0]!.counts);
      for (const m of MODES) {
        const rs = runs[m.key]!;
        const cpu = median(rs.map((r) => r.cpuMsPerFrame));
        rows.push({
          clip: name,
          sessions: m.sessions,
          oneCore: m.pinned,
          fps: {
            median: r1(median(rs.map((r) => r.fps))),
            min: r1(Math.min(...rs.map((r) => r.fps))),
            max: r1(Math.max(...rs.map((r) => r.fps))),
          },
          cpuMsPerFrame: r2(cpu),
          cpuSplit: {
            ffmpeg: r2(median(rs.map((r) => r.cpuSplit.ffmpeg))),
            main: r2(median(rs.map((r) => r.cpuSplit.main))),
            others: r2(median(rs.map((r) => r.cpuSplit.others))),
          },
          coresBusy: r2(median(rs.map((r) => r.coresBusy))),
          ceilingFps: r1(((m.pinned ? 1 : CORES) * 1000) / cpu),
          sameCounts: rs.every((r) => JSON.stringify(r.counts) === reference),
        });
      }
    }
  } finally {
    removeDir(dir);
  }
  const analyze = {
    date: new Date().toISOString(),
    machine: { cpus: cpus().length, model: cpus()[0]?.model, loadavgAtStart: load.map(r1) },
    rows,
  };
  const file = resolve('bench/results/capacity.json');
  const json = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : {};
  writeFileSync(file, `${JSON.stringify({ ...json, analyze }, null, 2)}\n`);
  const md = [
    '## Recorded footage: analyze on every core',
    '',
    `${analyze.date}, ${analyze.machine.cpus} x ${analyze.machine.model}, load average at start ${analyze.machine.loadavgAtStart.join(' ')}.`,
    '`ioc-edge analyze CLIP --every-frame --json` (built gateway), motion gate off, a line at y = 0.5: one inference',
    `session held to one core (taskset -c 0), one session, and ${CORES} (one per core), alternating, ${values.runs} runs each.`,
    "CPU ms/frame = the whole run's CPU time (node, its worker threads, ffmpeg) per frame, start-up included, and",
    "where it went (sampled from /proc): ffmpeg (decode, scale, ffprobe) / node's main thread (frames read, pre- and",
    "post-processing, tracking, analytics) / node's other threads (inference sessions, V8 and libuv helpers);",
    'cores busy = CPU time / wall time; ceiling = what that CPU time allows on the cores it may use. Goal: >= 1.7x',
    `the one-session fps on ${CORES} cores, same counts. "x one core" = fps over the one-core run's.`,
    '',
    '| clip | sessions | fps median (min-max) | x one core | CPU ms/frame (ffmpeg / main / other threads) | cores busy | ceiling fps | counts as 1 session |',
    '|---|---|---|---|---|---|---|---|',
    ...rows.map((r) => {
      const base = rows.find((o) => o.clip === r.clip && o.oneCore)!.fps.median;
      const split = `${r.cpuSplit.ffmpeg} / ${r.cpuSplit.main} / ${r.cpuSplit.others}`;
      return `| ${r.clip} | ${r.oneCore ? '1 on one core' : r.sessions} | ${r.fps.median} (${r.fps.min}-${r.fps.max}) | ${r2(r.fps.median / base)} | ${r.cpuMsPerFrame} (${split}) | ${r.coresBusy} | ${r.ceilingFps} | ${r.sameCounts ? 'same' : '**differ**'} |`;
    }),
    '',
    `What ${CORES} sessions can gain over one is bounded by the cores one session leaves idle:`,
    ...[...new Set(rows.map((r) => r.clip))].map((clip) => {
      const one = rows.find((r) => r.clip === clip && r.sessions === 1 && !r.oneCore)!;
      const many = rows.find((r) => r.clip === clip && r.sessions === CORES && !r.oneCore);
      const measured = many ? `, measured ${r2(many.fps.median / one.fps.median)}x` : '';
      return `- ${clip}: one session keeps ${one.coresBusy} of ${CORES} cores busy: at most ${r2(CORES / one.coresBusy)}x${measured}.`;
    }),
    '',
  ].join('\n');
  const mdFile = resolve('bench/results/capacity.md');
  const before = existsSync(mdFile) ? readFileSync(mdFile, 'utf8') : '# bench:capacity\n\n';
  const cut = before.indexOf('## Recorded footage');
  writeFileSync(mdFile, `${cut >= 0 ? before.slice(0, cut) : before}${md}`);
  console.log(md);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
