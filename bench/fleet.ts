/**
 * npm run bench:fleet — FLEET_INSTANCES (100) gateways in lightweight mode (the real alerts + durable SQLite
 * outbox + MQTT uplink of bench/fleet/instance.ts, fed with synthetic readings, counts and detections-derived
 * alerts) spread over FLEET_WORKERS (4) child processes, against ONE Mosquitto broker and an IOC consumer
 * subscribed to `ioc/+/+/#`. Mid-run the broker is stopped for FLEET_OUTAGE_S (20) seconds and restarted.
 * Measures broker messages/s in and out, alert delivery latency (raised → at the consumer), heartbeat
 * completeness, CPU and RSS per instance, and that every alert arrives by id after the outage.
 * Rates are the production defaults sped up 6× (bench/README.md, "Fleet", says which and why).
 * Results: bench/results/fleet.md and .json.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { startMosquitto } from '../test/support/mosquitto.js';
import { procStat, removeDir, tempDir, waitUntil } from '../test/support/process.js';
import { analyze, type ProcSample } from './fleet/analyze.js';
import type { FleetRates, InstanceReport } from './fleet/instance.js';
import type {
  ConsumerSummary,
  FromConsumer,
  FromWorker,
  ToConsumer,
  ToWorker,
  WorkerSpec,
} from './fleet/protocol.js';
import { fleetMarkdown } from './fleet/report.js';

const env = (name: string, def: number) => Number(process.env[name] ?? def);
const N = env('FLEET_INSTANCES', 100);
const WORKERS = env('FLEET_WORKERS', 4);
const SITES = env('FLEET_SITES', 10);
const RUN_S = env('FLEET_RUN_S', 150);
const OUTAGE_AT_S = env('FLEET_OUTAGE_AT_S', 60);
const OUTAGE_S = env('FLEET_OUTAGE_S', 20);
const DRAIN_S = env('FLEET_DRAIN_S', 120);
const rates: FleetRates = {
  heartbeatMs: env('FLEET_HEARTBEAT_S', 5) * 1000,
  telemetryMs: env('FLEET_TELEMETRY_S', 10) * 1000,
  alertEveryMs: env('FLEET_ALERT_EVERY_S', 20) * 1000,
  readingEveryMs: env('FLEET_READING_S', 10) * 1000,
};

const here = new URL('.', import.meta.url).pathname;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function memOf(pid: number): { rss: number; pss: number } {
  const rollup = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
  const kb = (k: string) => Number(new RegExp(`^${k}:\\s+(\\d+)`, 'm').exec(rollup)?.[1] ?? 0) * 1024;
  return { rss: kb('Rss'), pss: kb('Pss') };
}

function sample(role: string, pid: number): ProcSample | undefined {
  try {
    const f = procStat(pid);
    return { role, pid, t: Date.now(), cpuS: (Number(f[11]) + Number(f[12])) / 100, ...memOf(pid) };
  } catch {
    return undefined; // the broker during the outage
  }
}

interface Worker {
  child: ChildProcess;
  count: number;
  baseRss: number;
  ready: Promise<{ rssBytes: number }>;
  status: { connected: number; idle: number; outbox: number };
  last?: FromWorker;
}

function nextMessage<T>(child: ChildProcess, type: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const onMsg = (m: { type: string }) => {
      if (m.type !== type) return;
      child.off('message', onMsg);
      child.off('exit', onExit);
      resolve(m as T);
    };
    const onExit = (code: number | null) => reject(new Error(`child exited (${code}) before '${type}'`));
    child.on('message', onMsg);
    child.once('exit', onExit);
  });
}

async function main(): Promise<void> {
  const dir = tempDir('fleet');
  const broker = await startMosquitto({ persistence: true, extra: ['sys_interval 5'] });
  const children: ChildProcess[] = [];
  const tsx = ['--import', 'tsx'];
  const samples: ProcSample[] = [];
  let sampler: NodeJS.Timeout | undefined;
  try {
    const consumer = fork(join(here, 'fleet/consumer.ts'), [], {
      execArgv: tsx,
      env: { ...process.env, FLEET_BROKER: broker.url },
    });
    children.push(consumer);
    await nextMessage(consumer, 'ready');
    let consumerProgress = { messages: 0, alertMessages: 0 };
    consumer.on('message', (m: FromConsumer) => {
      if (m.type === 'progress') consumerProgress = m;
    });

    const workers: Worker[] = [];
    const per = Math.ceil(N / WORKERS);
    for (let first = 0; first < N; first += per) {
      const spec: WorkerSpec = {
        first,
        count: Math.min(per, N - first),
        sites: SITES,
        brokerUrl: broker.url,
        dir,
        rates,
      };
      const child = fork(join(here, 'fleet/worker.ts'), [], {
        execArgv: tsx,
        env: { ...process.env, FLEET_WORKER: JSON.stringify(spec) },
      });
      children.push(child);
      const w: Worker = {
        child,
        count: spec.count,
        baseRss: 0,
        // Listening from the fork on: a message nobody listens for is lost.
        ready: nextMessage<{ rssBytes: number }>(child, 'ready'),
        status: { connected: 0, idle: 0, outbox: 0 },
      };
      child.on('message', (m: FromWorker) => {
        if (m.type === 'status') w.status = m;
      });
      workers.push(w);
    }
    for (const w of workers) w.baseRss = (await w.ready).rssBytes;
    const started = workers.map((w) => nextMessage(w.child, 'started'));
    for (const w of workers) w.child.send({ cmd: 'start' } satisfies ToWorker);
    await Promise.all(started);
    const sumStatus = (k: 'connected' | 'idle' | 'outbox') => workers.reduce((n, w) => n + w.status[k], 0);
    await waitUntil(`${N} boxes connected`, async () => sumStatus('connected') === N, { timeoutMs: 60_000 });
    console.log(`fleet: ${N} boxes in ${workers.length} processes connected to ${broker.url}`);

    const takeSamples = () => {
      for (const [i, w] of workers.entries()) {
        const s = sample(`worker-${i}`, w.child.pid!);
        if (s) samples.push(s);
      }
      const c = sample('consumer', consumer.pid!);
      if (c) samples.push(c);
      const b = sample('broker', broker.server.pid);
      if (b) samples.push(b);
    };
    const t0 = Date.now();
    takeSamples();
    sampler = setInterval(takeSamples, 2000);

    await sleep(OUTAGE_AT_S * 1000);
    const outageStartMs = Date.now();
    console.log(`fleet: broker stopped at +${OUTAGE_AT_S} s for ${OUTAGE_S} s`);
    await broker.pause();
    await sleep(OUTAGE_S * 1000);
    await broker.restart();
    const outageEndMs = Date.now();
    console.log('fleet: broker back');
    await sleep(Math.max(0, t0 + RUN_S * 1000 - Date.now()));
    const t1 = Date.now();
    takeSamples();
    clearInterval(sampler);

    console.log('fleet: quiescing (no new alerts), draining outboxes');
    for (const w of workers) w.child.send({ cmd: 'quiesce' } satisfies ToWorker);
    await waitUntil(
      'every box idle (alerts ended, outbox empty)',
      async () => sumStatus('idle') === N && sumStatus('connected') === N,
      { timeoutMs: DRAIN_S * 1000, intervalMs: 500 },
    );
    const reports = await Promise.all(
      workers.map(async (w) => {
        const r = nextMessage<{ instances: InstanceReport[] }>(w.child, 'report');
        w.child.send({ cmd: 'report' } satisfies ToWorker);
        return (await r).instances;
      }),
    );
    // Every outbox is empty, so every alert message was acknowledged by the broker: wait (bounded) until
    // the consumer has had as many; a shortfall is reported as missing by the analysis.
    const made = reports.flat().reduce((a, i) => a + i.totals.raised + i.totals.updates + i.totals.ended, 0);
    await waitUntil('alert messages at the consumer', async () => consumerProgress.alertMessages >= made, {
      timeoutMs: 30_000,
      intervalMs: 500,
    }).catch((err: Error) => console.error(err.message));
    const summaryP = nextMessage<{ summary: ConsumerSummary }>(consumer, 'summary');
    consumer.send({ cmd: 'summary' } satisfies ToConsumer);
    const { summary } = await summaryP;

    const result = analyze({
      n: N,
      workers: workers.map((w) => ({ count: w.count, baseRss: w.baseRss })),
      rates,
      t0,
      t1,
      outageStartMs,
      outageEndMs,
      instances: reports.flat(),
      consumer: summary,
      samples,
    });
    const out = {
      at: new Date().toISOString(),
      machine: `${cpus().length} CPUs (${cpus()[0]?.model.trim()}) · Node ${process.version}`,
      loadAfter: loadavg().map((x) => Math.round(x * 100) / 100),
      config: {
        instances: N,
        workers: workers.length,
        sites: SITES,
        runSeconds: RUN_S,
        outageAtSeconds: OUTAGE_AT_S,
        outageSeconds: OUTAGE_S,
        heartbeatSeconds: rates.heartbeatMs / 1000,
        telemetrySeconds: rates.telemetryMs / 1000,
        alertEverySeconds: rates.alertEveryMs / 1000,
        readingEverySeconds: rates.readingEveryMs / 1000,
        broker: 'Mosquitto 2 (persistence on), one process',
      },
      ...result,
    };
    const results = join(here, 'results');
    writeFileSync(join(results, 'fleet.json'), `${JSON.stringify(out, null, 2)}\n`);
    writeFileSync(join(results, 'fleet.md'), fleetMarkdown(out));
    console.log(fleetMarkdown(out));

    await Promise.all(
      workers.map(async (w) => {
        const stopped = nextMessage(w.child, 'stopped').catch(() => undefined);
        w.child.send({ cmd: 'stop' } satisfies ToWorker);
        await stopped;
      }),
    );
    consumer.send({ cmd: 'stop' } satisfies ToConsumer);
  } finally {
    clearInterval(sampler);
    await sleep(500);
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    await broker.stop();
    removeDir(dir);
  }
}

await main();
