/**
 * npx tsx bench/sensors-intake.ts — the gateway's CPU per MQTT reading on the intake path alone, in this
 * process: a publisher process (bench/sensors-publisher.ts, QoS 1, 2,000 in flight) → Mosquitto 2 →
 * SensorService (MQTT, decode, validate, line) → SpoolSink (SQLite commits, PUBACK after each) and, with
 * BENCH_INFLUX=1, the drainer on to a real InfluxDB 1.6. Everything else of `ioc-edge run` (API, cameras)
 * is left out, so the figure moves only with the intake path: the A/B yardstick for changes to it.
 * Prints one JSON line: readings, seconds, µs CPU per reading of the process and of its main thread.
 *
 * env: BENCH_SENSOR_MESSAGES (default 100000), BENCH_INFLUX=1, BENCH_CPU_PROF=FILE (a V8 profile of
 * the burst, through the inspector)
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { join, resolve } from 'node:path';
import { configSchema } from '../src/config/schema.js';
import { type InfluxDb, startInfluxDb } from '../test/support/influxdb.js';
import { removeDir, startProcess, tempDir, waitUntil } from '../test/support/process.js';
import { sensorService, startSensorBus } from '../test/support/sensor-bus.js';
import { influxConfig, makeService } from '../test/support/timeseries.js';

const ROOT = resolve(import.meta.dirname, '..');
const N = Number(process.env.BENCH_SENSOR_MESSAGES ?? 100_000);

/** utime + stime of a thread (or the process), in seconds. */
function cpuOf(path: string): number {
  const s = readFileSync(path, 'utf8');
  const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
  return (Number(f[11]) + Number(f[12])) / 100;
}

/** CPU seconds per thread name (main, V8 GC/compiler workers, libuv pool: zlib, fs). */
function threadCpu(): Map<string, number> {
  const m = new Map<string, number>();
  for (const tid of readdirSync('/proc/self/task')) {
    try {
      const name = readFileSync(`/proc/self/task/${tid}/comm`, 'utf8').trim();
      const key = tid === String(process.pid) ? 'main' : name;
      m.set(key, (m.get(key) ?? 0) + cpuOf(`/proc/self/task/${tid}/stat`));
    } catch {}
  }
  return m;
}

const bus = await startSensorBus();
const influx: InfluxDb | undefined = process.env.BENCH_INFLUX ? await startInfluxDb() : undefined;
if (influx) await influx.createDatabase('intake');
const dir = tempDir('bench-intake');
const cfg = configSchema.parse({
  node: { id: 'bench', site: 'bench' },
  mqtt: { broker: { embedded: false } },
  sensors: {
    broker: bus.url,
    clientId: 'bench-intake',
    devices: [
      {
        id: 'pub-1',
        type: 'air_quality',
        topic: 'bench/ours/+/state',
        decoder: {
          type: 'json',
          fields: { pm25: 'pm2_5', pm10: 'pm10', temperature: 'env.temp' },
          time: 'ts',
        },
      },
    ],
  },
});
const { service: ts, store } = makeService(
  dir,
  influxConfig({
    url: influx?.url,
    database: 'intake',
    batchSize: 20_000,
    flushInterval: 200,
    replayRate: 1_000_000,
  }),
);
const sensors = sensorService(cfg, ts, store);
let result: Record<string, number> = {};
try {
  await ts.start();
  await sensors.start();
  await waitUntil('connected', async () => sensors.connected, { timeoutMs: 20_000 });
  await new Promise((r) => setTimeout(r, 500)); // the SUBACK
  const startAt = Date.now() + 2500;
  const pub = startProcess(
    'publisher',
    process.execPath,
    [
      '--import',
      'tsx',
      join(ROOT, 'bench', 'sensors-publisher.ts'),
      bus.url,
      'bench/ours/pub-1/state',
      'pub-1',
      String(N),
      '2000',
      'ours',
      String(Date.now() - 3_600_000),
      String(startAt),
    ],
    { cwd: ROOT },
  );
  await new Promise((r) => setTimeout(r, startAt - Date.now()));
  const session = process.env.BENCH_CPU_PROF ? new Session() : undefined;
  if (session) {
    session.connect();
    await session.post('Profiler.enable');
    await session.post('Profiler.setSamplingInterval', { interval: 200 });
    await session.post('Profiler.start');
  }
  const t0 = performance.now();
  const cpu0 = cpuOf('/proc/self/stat');
  const main0 = cpuOf(`/proc/self/task/${process.pid}/stat`);
  const threads0 = threadCpu();
  const done = () => (influx ? (ts.drainer?.sent ?? 0) : ts.sink.committed) >= N;
  await waitUntil('all readings in', async () => done(), { timeoutMs: 120_000, intervalMs: 20 });
  const seconds = (performance.now() - t0) / 1000;
  const cpu = cpuOf('/proc/self/stat') - cpu0;
  const main = cpuOf(`/proc/self/task/${process.pid}/stat`) - main0;
  const threads: Record<string, number> = {};
  for (const [k, v] of threadCpu()) threads[k] = Math.round(((v - (threads0.get(k) ?? 0)) * 1e7) / N) / 10;
  if (session) {
    const { profile } = await session.post('Profiler.stop');
    writeFileSync(process.env.BENCH_CPU_PROF!, JSON.stringify(profile));
    session.disconnect();
  }
  await pub.exited;
  result = {
    readings: N,
    seconds: Math.round(seconds * 1000) / 1000,
    perSecond: Math.round(N / seconds),
    usPerReading: Math.round((cpu * 1e7) / N) / 10,
    mainUsPerReading: Math.round((main * 1e7) / N) / 10,
  };
  console.log(`µs CPU per reading by thread: ${JSON.stringify(threads)}`);
} finally {
  await sensors.stop();
  await ts.stop();
  store.close();
  await Promise.all([bus.stop(), influx?.stop()]);
  removeDir(dir);
}
console.log(JSON.stringify(result));
