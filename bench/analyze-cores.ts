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
 * is what the CPU time per frame allows on the box's idle cores: cores x 1000 / (CPU ms per frame).
 *
 *   npm run bench:analyze-cores -- [--clips nl_motorway_overpass,...] [--runs 3] [--no-build]
 *
 * Appends its section to bench/results/capacity.{md,json} (key "analyze").
 */
import { execFile } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs, promisify } from 'node:util';
import { ROOT } from '../test/support/cli.js';
import { buildGateway } from '../test/support/gateway-run.js';
import { median } from '../test/support/proc-stats.js';
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

interface Run {
  fps: number;
  frames: number;
  cpuMsPerFrame: number;
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
  const { stdout } = await run(
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
  const wallMs = performance.now() - t0;
  const cpu = childrenCpuMs() - c0;
  const report = JSON.parse(stdout) as { fps: number; frames: number; counts: unknown };
  return {
    fps: report.fps,
    frames: report.frames,
    cpuMsPerFrame: cpu / report.frames,
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
    "CPU ms/frame = the whole run's CPU time (node, its worker threads, ffmpeg) per frame; cores busy = CPU time /",
    `wall time; ceiling = what that CPU time allows on the cores it may use. Goal: >= 1.7x the one-session fps on`,
    `${CORES} cores, same counts. "x one core" = fps over the one-core run's.`,
    '',
    '| clip | sessions | fps median (min-max) | x one core | CPU ms/frame | cores busy | ceiling fps | counts as 1 session |',
    '|---|---|---|---|---|---|---|---|',
    ...rows.map((r) => {
      const base = rows.find((o) => o.clip === r.clip && o.oneCore)!.fps.median;
      return `| ${r.clip} | ${r.oneCore ? '1 on one core' : r.sessions} | ${r.fps.median} (${r.fps.min}-${r.fps.max}) | ${r2(r.fps.median / base)} | ${r.cpuMsPerFrame} | ${r.coresBusy} | ${r.ceilingFps} | ${r.sameCounts ? 'same' : '**differ**'} |`;
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
