/**
 * npm run bench:memory — what the assembled gateway holds in memory for 0, 1, 4 and 8 cameras.
 *
 * Runs `ioc-edge run` as production does (node dist/cli.js, built first) with a demo-like config (embedded
 * broker, uplink, one sensor, API, spool) and N RTSP test cameras (a 1080p25 ~4 Mb/s roadside clip served
 * by the test RTSP helper, detect 5 fps, motion gate on, a counting line each). For each N it samples every
 * 2 s after a warm-up: PSS (/proc/PID/smaps_rollup: shared pages split among the processes that map them,
 * so the ffmpeg libraries are counted once overall) and RSS of the gateway process and of each of its
 * ffmpeg children, and the V8 heap from /metrics. Medians are reported.
 *
 *   npm run bench:memory -- [--steps 0,1,4,8] [--warmup 20] [--seconds 20] [--mode main|sub] [--label after]
 *
 * `--mode sub` gives each camera a 640x360 detect substream and the 1080p main stream for recording
 * (copied, not decoded). Writes bench/results/memory.{md,json}; a run with another --label is kept beside
 * the earlier ones in the JSON (before/after) and the Markdown shows them all.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import {
  buildGateway,
  type CameraSpec,
  gatewayConfig,
  startGateway,
  waitAllStreaming,
} from '../test/support/gateway-run.js';
import { childrenNamed, median, memoryOf } from '../test/support/proc-stats.js';
import { freePort, removeDir, tempDir } from '../test/support/process.js';
import { MEDIA_DIR, type RtspCamera, startRtspCamera } from '../test/support/rtsp-camera.js';

const { values } = parseArgs({
  options: {
    steps: { type: 'string', default: '0,1,4,8' },
    warmup: { type: 'string', default: '20' },
    seconds: { type: 'string', default: '20' },
    mode: { type: 'string', default: 'main' },
    label: { type: 'string', default: 'current' },
    'no-build': { type: 'boolean', default: false },
  },
});
const STEPS = values.steps.split(',').map(Number);
const WARMUP_S = Number(values.warmup);
const MEASURE_S = Number(values.seconds);
const MODE = values.mode === 'sub' ? 'sub' : 'main';
const RESULTS = resolve('bench/results');

export interface MemoryStep {
  cameras: number;
  gatewayPssMb: number;
  gatewayRssMb: number;
  /** Median PSS of one camera's ffmpeg (all ffmpeg processes / cameras). */
  ffmpegPssMb: number;
  ffmpegRssMb: number;
  ffmpegProcesses: number;
  totalPssMb: number;
  heapUsedMb: number;
  heapTotalMb: number;
  externalMb: number;
}

const mb = (kb: number) => Math.round((kb / 1024) * 10) / 10;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function heap(api: string): Promise<{ used: number; total: number; external: number }> {
  const text = await (await fetch(`${api}/metrics`, { signal: AbortSignal.timeout(5000) })).text();
  const value = (name: string) =>
    Number(new RegExp(`^${name}(?:\\{[^}]*\\})? ([\\d.e+]+)$`, 'm').exec(text)?.[1] ?? 0);
  return {
    used: value('nodejs_heap_size_used_bytes') / 1024,
    total: value('nodejs_heap_size_total_bytes') / 1024,
    external: value('nodejs_external_memory_bytes') / 1024,
  };
}

function cameras(n: number, main: RtspCamera, sub?: RtspCamera): CameraSpec[] {
  return Array.from({ length: n }, (_, i) =>
    sub
      ? {
          id: `cam${i + 1}`,
          inputs: [
            { url: sub.url, roles: ['detect'] },
            { url: main.url, roles: ['record'] },
          ],
          clips: true,
        }
      : { id: `cam${i + 1}`, url: main.url },
  );
}

async function measure(n: number, main: RtspCamera, sub?: RtspCamera): Promise<MemoryStep> {
  const dir = tempDir('bench-memory');
  const brokerPort = await freePort();
  const text = gatewayConfig({ dataDir: join(dir, 'data'), cameras: cameras(n, main, sub), brokerPort });
  const gw = await startGateway(text, dir, { built: true });
  try {
    if (n > 0) await waitAllStreaming(gw.api, n, 90_000);
    await sleep(WARMUP_S * 1000);
    const samples: Array<{
      gw: ReturnType<typeof memoryOf>;
      ff: number[];
      ffRss: number[];
      procs: number;
      heap: Awaited<ReturnType<typeof heap>>;
    }> = [];
    const until = Date.now() + MEASURE_S * 1000;
    while (Date.now() < until) {
      const ffPids = childrenNamed(gw.pid, 'ffmpeg');
      const ff = ffPids.map((p) => memoryOf(p)).filter((m) => m !== undefined);
      samples.push({
        gw: memoryOf(gw.pid),
        ff: ff.map((m) => m.pssKb),
        ffRss: ff.map((m) => m.rssKb),
        procs: ffPids.length,
        heap: await heap(gw.api),
      });
      await sleep(2000);
    }
    const per = (sum: number, k: number) => (k > 0 ? sum / k : 0);
    const gwPss = median(samples.map((s) => s.gw?.pssKb ?? 0));
    const ffPss = median(
      samples.map((s) =>
        per(
          s.ff.reduce((a, b) => a + b, 0),
          n,
        ),
      ),
    );
    const ffRss = median(
      samples.map((s) =>
        per(
          s.ffRss.reduce((a, b) => a + b, 0),
          n,
        ),
      ),
    );
    return {
      cameras: n,
      gatewayPssMb: mb(gwPss),
      gatewayRssMb: mb(median(samples.map((s) => s.gw?.rssKb ?? 0))),
      ffmpegPssMb: mb(ffPss),
      ffmpegRssMb: mb(ffRss),
      ffmpegProcesses: median(samples.map((s) => s.procs)),
      totalPssMb: mb(gwPss + ffPss * n),
      heapUsedMb: mb(median(samples.map((s) => s.heap.used))),
      heapTotalMb: mb(median(samples.map((s) => s.heap.total))),
      externalMb: mb(median(samples.map((s) => s.heap.external))),
    };
  } finally {
    await gw.stop();
    removeDir(dir);
  }
}

interface MemoryRun {
  label: string;
  mode: 'main' | 'sub';
  date: string;
  machine: { cpus: number; model?: string; loadavgAtStart: number[] };
  steps: MemoryStep[];
  /** PSS the gateway and its ffmpegs add per camera beyond one, MB: (total(N) - total(1)) / (N - 1). */
  perAdditionalCameraMb?: number;
}

function perAdditional(steps: MemoryStep[]): number | undefined {
  const one = steps.find((s) => s.cameras === 1);
  const last = steps.filter((s) => s.cameras > 1).at(-1);
  if (!one || !last) return undefined;
  return Math.round(((last.totalPssMb - one.totalPssMb) / (last.cameras - 1)) * 10) / 10;
}

function render(runs: MemoryRun[]): string {
  const out = [
    '# bench:memory',
    '',
    'The assembled gateway (`node dist/cli.js run`, demo-like config: embedded broker, uplink, one sensor, API,',
    'spool) with N RTSP test cameras (nl_motorway_overpass.mp4 at 1080p25 ~4 Mb/s; `sub`: a 640x360 detect',
    'substream + the 1080p main stream copied into clip segments), detect 5 fps, motion gate on, a counting line',
    'each. PSS from /proc/PID/smaps_rollup (shared pages split among the processes mapping them: the ffmpeg',
    'libraries are counted once overall), medians of samples every 2 s after a warm-up. "ffmpeg" is per camera',
    "(all of a camera's ffmpeg processes). Goals: gateway ≤ 150 MB PSS base, ≤ 40 MB PSS per additional camera",
    'including its ffmpeg.',
    '',
  ];
  for (const r of runs) {
    out.push(
      `## ${r.label} (${r.mode === 'sub' ? 'detect substream + main stream copied' : 'main stream only'})`,
      '',
      `${r.date}, ${r.machine.cpus} x ${r.machine.model}, load average at start ${r.machine.loadavgAtStart.join(' ')}.`,
      '',
      '| cameras | gateway PSS MB | gateway RSS MB | ffmpeg PSS MB/camera | ffmpeg RSS MB/camera | total PSS MB | V8 heap used / total MB | external MB |',
      '|---|---|---|---|---|---|---|---|',
      ...r.steps.map(
        (s) =>
          `| ${s.cameras} | ${s.gatewayPssMb} | ${s.gatewayRssMb} | ${s.ffmpegPssMb} | ${s.ffmpegRssMb} | ${s.totalPssMb} | ${s.heapUsedMb} / ${s.heapTotalMb} | ${s.externalMb} |`,
      ),
      '',
      r.perAdditionalCameraMb !== undefined
        ? `PSS per additional camera (gateway + ffmpeg): **${r.perAdditionalCameraMb} MB**.`
        : '',
      '',
    );
  }
  return out.join('\n');
}

async function main() {
  if (!values['no-build']) buildGateway();
  const load = loadavg();
  const clip = join(MEDIA_DIR, 'nl_motorway_overpass.mp4');
  const main = await startRtspCamera({ clip, size: '1080p', fps: 25 });
  const sub =
    MODE === 'sub' ? await startRtspCamera({ clip, size: { width: 640, height: 360 }, fps: 25 }) : undefined;
  const steps: MemoryStep[] = [];
  try {
    for (const n of STEPS) {
      const s = await measure(n, main, sub);
      steps.push(s);
      console.log(JSON.stringify(s));
    }
  } finally {
    await main.stop();
    await sub?.stop();
  }
  const run: MemoryRun = {
    label: values.label,
    mode: MODE,
    date: new Date().toISOString(),
    machine: {
      cpus: cpus().length,
      model: cpus()[0]?.model,
      loadavgAtStart: load.map((x) => Math.round(x * 10) / 10),
    },
    steps,
    perAdditionalCameraMb: perAdditional(steps),
  };
  const file = join(RESULTS, 'memory.json');
  const earlier: MemoryRun[] = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')).runs ?? []) : [];
  const runs = [...earlier.filter((r) => !(r.label === run.label && r.mode === run.mode)), run];
  writeFileSync(file, `${JSON.stringify({ runs }, null, 2)}\n`);
  const md = render(runs);
  writeFileSync(join(RESULTS, 'memory.md'), md);
  console.log(md);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
