/**
 * npm run bench:ingest — how many RTSP cameras one box can ingest.
 *
 * N cameras (1080p25 and 720p25, a shared roadside clip re-served by the test RTSP helper, one RTSP
 * session and one ingest ffmpeg per camera) decoded and letterboxed to 416x416 at detect 5 fps, with a
 * consumer that takes every frame. For each N: CPU % per camera (the cameras' ffmpeg + this process,
 * from /proc; the RTSP server and its feeders are excluded), and skipped % = frames that did not arrive
 * or were dropped, out of 5 fps x streaming time. The ramp stops at the first N with skipped >= 1 %.
 *
 * Options: --sizes 1080p,720p  --steps 1,2,4,6,8,10,12,14,16  --seconds 10  --warmup 4  --threads 1  --fps 5
 * Writes bench/results/ingest.md and ingest.json.
 */
import { writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { Camera } from '../src/camera/camera.js';
import { cpuSecondsOf, machineCpu } from '../test/support/proc-stats.js';
import { MEDIA_DIR, type RtspCamera, type RtspSize, startRtspCamera } from '../test/support/rtsp-camera.js';

const { values } = parseArgs({
  options: {
    sizes: { type: 'string', default: '1080p,720p' },
    steps: { type: 'string', default: '1,2,4,6,8,10,12,14,16' },
    seconds: { type: 'string', default: '10' },
    warmup: { type: 'string', default: '4' },
    threads: { type: 'string', default: '1' },
    fps: { type: 'string', default: '5' },
  },
});
const SIZES = values.sizes.split(',') as RtspSize[];
const STEPS = values.steps.split(',').map(Number);
const MEASURE_S = Number(values.seconds);
const WARMUP_S = Number(values.warmup);
const THREADS = Number(values.threads);
const DETECT_FPS = Number(values.fps);

interface StepResult {
  size: string;
  cameras: number;
  seconds: number;
  cpuPerCameraPct: number;
  totalCpuPct: number;
  skippedPct: number;
  deliveredFps: number;
  /** CPU % of the machine used by everything else (RTSP server, other sessions) during the step. */
  otherLoadPct: number;
  streamingAll: boolean;
}

async function runStep(server: RtspCamera, size: string, n: number): Promise<StepResult> {
  const cams: Camera[] = [];
  const delivered = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    const cam = new Camera({
      id: `c${i}`,
      url: server.url,
      width: 416,
      height: 416,
      detectFps: DETECT_FPS,
      decoderThreads: THREADS,
      connectTimeoutMs: 30_000,
      stallTimeoutMs: 15_000,
    });
    delivered.set(cam.id, 0);
    cam.mailbox.onFrame(() => {
      const f = cam.mailbox.take();
      if (!f) return;
      delivered.set(cam.id, delivered.get(cam.id)! + 1);
      cam.mailbox.release(f);
    });
    cams.push(cam);
    cam.start();
  }
  const deadline = Date.now() + 40_000;
  while (cams.some((c) => c.state !== 'streaming') && Date.now() < deadline) await sleep(200);
  await sleep(WARMUP_S * 1000);

  const pids = () => cams.map((c) => c.reader?.pid).filter((p): p is number => p !== undefined);
  const startPids = pids();
  const cpu0 = startPids.reduce((a, p) => a + cpuSecondsOf(p), 0);
  const self0 = process.cpuUsage();
  const m0 = machineCpu();
  const d0 = new Map(delivered);
  const skip0 = cams.reduce((a, c) => a + c.pool.skipped, 0);
  const t0 = Date.now();
  await sleep(MEASURE_S * 1000);
  const dt = (Date.now() - t0) / 1000;
  const cpu1 = startPids.reduce((a, p) => a + cpuSecondsOf(p), 0);
  const self = process.cpuUsage(self0);
  const m1 = machineCpu();
  const skipped = cams.reduce((a, c) => a + c.pool.skipped, 0) - skip0;
  let got = 0;
  for (const c of cams) got += delivered.get(c.id)! - d0.get(c.id)!;
  const streamingAll = cams.every((c) => c.state === 'streaming') && pids().join() === startPids.join();
  await Promise.all(cams.map((c) => c.stop()));

  const ours = cpu1 - cpu0 + (self.user + self.system) / 1e6;
  const expected = n * DETECT_FPS * dt;
  const machineBusy = m1.busy - m0.busy;
  return {
    size,
    cameras: n,
    seconds: Math.round(dt * 10) / 10,
    cpuPerCameraPct: round((ours / dt / n) * 100),
    totalCpuPct: round((ours / dt) * 100),
    skippedPct: round(Math.max(0, ((expected - got + skipped) / expected) * 100)),
    deliveredFps: round(got / dt / n),
    otherLoadPct: round(Math.max(0, ((machineBusy - ours) / dt) * 100)),
    streamingAll,
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const round = (x: number) => Math.round(x * 10) / 10;

async function main() {
  const clip = join(MEDIA_DIR, 'nl_motorway_overpass.mp4');
  const results: StepResult[] = [];
  const load = loadavg();
  for (const size of SIZES) {
    console.log(`preparing ${size} clip...`);
    const server = await startRtspCamera({ clip, size, fps: 25 });
    try {
      for (const n of STEPS) {
        const r = await runStep(server, String(size), n);
        results.push(r);
        console.log(
          `${size} N=${n}: cpu/camera ${r.cpuPerCameraPct}%  total ${r.totalCpuPct}%  skipped ${r.skippedPct}%  ` +
            `fps/camera ${r.deliveredFps}  other load ${r.otherLoadPct}%${r.streamingAll ? '' : '  (restarts!)'}`,
        );
        if (r.skippedPct >= 1 || !r.streamingAll) break;
      }
    } finally {
      await server.stop();
    }
  }
  const maxN = (size: string) =>
    Math.max(
      0,
      ...results.filter((r) => r.size === size && r.skippedPct < 1 && r.streamingAll).map((r) => r.cameras),
    );
  const summary = Object.fromEntries(SIZES.map((s) => [String(s), { maxCameras: maxN(String(s)) }]));
  const out = {
    date: new Date().toISOString(),
    machine: { cpus: cpus().length, model: cpus()[0]?.model, loadavgAtStart: load.map(round) },
    settings: {
      detectFps: DETECT_FPS,
      input: '416x416 letterbox',
      decoderThreads: THREADS,
      measureSeconds: MEASURE_S,
    },
    goal: '>= 12 cameras at 1080p25 with skipped < 1 %',
    summary,
    steps: results,
  };
  const dir = resolve('bench/results');
  writeFileSync(join(dir, 'ingest.json'), `${JSON.stringify(out, null, 2)}\n`);
  const rows = results.map(
    (r) =>
      `| ${r.size} | ${r.cameras} | ${r.cpuPerCameraPct} | ${r.totalCpuPct} | ${r.skippedPct} | ${r.deliveredFps} | ${r.otherLoadPct} |${r.streamingAll ? '' : ' restarts'}`,
  );
  const md = [
    '# bench:ingest',
    '',
    `${out.date}, ${out.machine.cpus} x ${out.machine.model}, load average at start ${out.machine.loadavgAtStart.join(' ')}.`,
    `RTSP cameras from the test helper (nl_motorway_overpass.mp4 re-encoded to each size, 25 fps, H.264 main, 1 s GOP,`,
    `~4 Mb/s at 1080p), one ingest ffmpeg per camera, decode + fps ${DETECT_FPS} + letterbox 416x416 BGR24, decoder`,
    `threads ${THREADS}, ${MEASURE_S} s per step after ${WARMUP_S} s warm-up. CPU % = the cameras' ffmpeg + the node`,
    'process, in % of one core; "other load" = the rest of the machine meanwhile (RTSP server, other sessions).',
    '',
    '| size | cameras | CPU %/camera | CPU % total | skipped % | fps/camera | other load % |',
    '|---|---|---|---|---|---|---|',
    ...rows,
    '',
    ...SIZES.map((s) => {
      const n = maxN(String(s));
      const capped = n === STEPS.at(-1) ? ` (the ramp's last step: at least ${n})` : '';
      return `Max cameras with skipped < 1 % at ${s}: **${n}**${capped}.`;
    }),
    'Goal: >= 12 cameras at 1080p25. The machine is shared with other sessions: compare with "other load".',
    '',
  ].join('\n');
  writeFileSync(join(dir, 'ingest.md'), md);
  console.log(md);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
