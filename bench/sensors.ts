/**
 * npm run bench:sensors — sustained readings/s from MQTT publishers through Mosquitto into the gateway
 * and on to InfluxDB 1.6, with the PUBACK sent only once a reading is in the durable spool, zero loss
 * checked by counting in the database; side by side with Node-RED 4.1 (mqtt in → json → influxdb batch
 * out, node-red-contrib-influxdb) on the same broker and database, with one and three publishers.
 * Node-RED is installed on first run into bench/.peers/node-red (gitignored), never into the project.
 * Each message is one reading of a device (3 metrics, one point). Results: bench/results/sensors.{md,json}.
 *
 * env: BENCH_SENSOR_MESSAGES (per run, default 200000), BENCH_PUBLISHERS (default 1,3),
 * BENCH_SKIP_NODE_RED=1, BENCH_ONLY=Node-RED, BENCH_REPORT_ONLY=1 (re-render the last results),
 * BENCH_BATCH (the gateway's influx.batchSize, default 20000), BENCH_CPU_PROF=DIR (a V8 CPU profile of
 * the gateway into DIR)
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { type InfluxDb, startInfluxDb } from '../test/support/influxdb.js';
import type { Mosquitto } from '../test/support/mosquitto.js';
import { procStat, removeDir, startProcess, tempDir } from '../test/support/process.js';
import { startSensorBus } from '../test/support/sensor-bus.js';
import { PEERS, startNodeRed, startOurs } from './sensors-subscribers.js';

const ROOT = resolve(import.meta.dirname, '..');
const MESSAGES = Number(process.env.BENCH_SENSOR_MESSAGES ?? 200_000);
const GOAL = 50_000;
const WINDOW = 2000;

interface Run {
  system: 'ioc-edge' | 'Node-RED';
  publishers: number;
  messages: number;
  published: number;
  stored: number;
  lost: number;
  seconds: number;
  readingsPerSecond: number;
  /** ioc-edge only: readings committed to the spool (and so acknowledged) per second. */
  intakePerSecond?: number;
  publishPerSecond: number;
  cpuPercent: number;
  /** CPU of the subscriber's main thread alone (ioc-edge: MQTT, decode, spool, the drainer's share). */
  mainCpuPercent?: number;
  peakRssMB: number;
  /** CPU of Mosquitto and influxd over the same time (they share the 2 cores). */
  brokerCpuPercent: number;
  influxdCpuPercent: number;
  note?: string;
}

const cpuSeconds = (pid: number | string) => {
  const f = procStat(pid);
  return (Number(f[11]) + Number(f[12])) / 100;
};
const rss = (pid: number) => {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) * 1024 : 0;
};
const round = (v: number, d = 0) => Math.round(v * 10 ** d) / 10 ** d;

async function countIn(influx: InfluxDb, db: string): Promise<number> {
  const rows = await influx.rows('SELECT count(pm25) FROM sensor', db);
  return Number(rows[0]?.count ?? 0);
}

async function runOne(
  system: Run['system'],
  pubs: number,
  bus: Mosquitto,
  influx: InfluxDb,
  dir: string,
): Promise<Run> {
  const db = `${system === 'ioc-edge' ? 'ours' : 'nodered'}_${pubs}`;
  await influx.createDatabase(db);
  const proc =
    system === 'ioc-edge'
      ? await startOurs(dir, bus, influx, db, pubs)
      : await startNodeRed(dir, bus, influx, db, pubs);
  const per = Math.floor(MESSAGES / pubs);
  const total = per * pubs;
  const base = Date.now() - 3_600_000;
  let peak = rss(proc.pid);
  const sampler = setInterval(() => {
    try {
      peak = Math.max(peak, rss(proc.pid));
    } catch {}
  }, 200);
  const api = /"url":"(http:\/\/127\.0\.0\.1:\d+)"[^\n]*"msg":"API listening"/.exec(proc.output())?.[1];
  let intakeDone: number | undefined;
  const intakePoll = api
    ? setInterval(async () => {
        const h = (await (await fetch(`${api}/api/health`)).json().catch(() => ({}))) as {
          sensors?: { points: number };
        };
        if (intakeDone === undefined && (h.sensors?.points ?? 0) >= total) intakeDone = performance.now();
      }, 50)
    : undefined;
  // Publishers start their processes and connect first; all send from startAt on, the clock starts then.
  const startAt = Date.now() + 4000;
  const t0 = performance.now() + 4000;
  const topicRoot = system === 'ioc-edge' ? 'ours' : 'nodered';
  const format = system === 'ioc-edge' ? 'ours' : 'nodered';
  const publishers = Array.from({ length: pubs }, (_, k) =>
    startProcess(`publisher-${k + 1}`, process.execPath, [
      '--import',
      'tsx',
      join(ROOT, 'bench', 'sensors-publisher.ts'),
      bus.url,
      `bench/${topicRoot}/pub-${k + 1}/state`,
      `pub-${k + 1}`,
      String(per),
      String(WINDOW),
      format,
      String(base),
      String(startAt),
    ]),
  );
  await new Promise((r) => setTimeout(r, Math.max(0, startAt - Date.now())));
  const cpu0 = cpuSeconds(proc.pid);
  const mainCpu0 = cpuSeconds(`${proc.pid}/task/${proc.pid}`);
  const brokerCpu0 = cpuSeconds(bus.server.pid);
  const influxCpu0 = cpuSeconds(influx.server.pid);
  await Promise.all(publishers.map((p) => p.exited));
  const published = publishers.reduce(
    (n, p) => n + (JSON.parse(p.output().trim().split('\n').at(-1) ?? '{}').acked ?? 0),
    0,
  );
  const tPub = performance.now();
  // Stored when the database holds them all, or when the count stops growing for 60 s (a loss).
  let stored = 0;
  let lastGrowth = performance.now();
  let tDone = performance.now();
  while (true) {
    const n = await countIn(influx, db).catch(() => stored);
    if (n > stored) {
      stored = n;
      lastGrowth = performance.now();
      tDone = lastGrowth;
    }
    if (stored >= total || performance.now() - lastGrowth > 60_000 || performance.now() - t0 > 600_000) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  const seconds = (tDone - t0) / 1000;
  const cpu = cpuSeconds(proc.pid) - cpu0;
  const mainCpu = cpuSeconds(`${proc.pid}/task/${proc.pid}`) - mainCpu0;
  const brokerCpu = cpuSeconds(bus.server.pid) - brokerCpu0;
  const influxCpu = cpuSeconds(influx.server.pid) - influxCpu0;
  clearInterval(sampler);
  clearInterval(intakePoll);
  if (stored < total)
    console.log(`${system}: ${stored} of ${total} in InfluxDB; its log ends:\n${proc.output().slice(-2000)}`);
  await proc.stop(10_000);
  return {
    system,
    publishers: pubs,
    messages: total,
    published,
    stored,
    lost: total - stored,
    seconds: round(seconds, 2),
    readingsPerSecond: Math.round(stored / seconds),
    intakePerSecond: intakeDone ? Math.round(total / ((intakeDone - t0) / 1000)) : undefined,
    publishPerSecond: Math.round(published / ((tPub - t0) / 1000)),
    cpuPercent: round((cpu / seconds) * 100, 1),
    mainCpuPercent: round((mainCpu / seconds) * 100, 1),
    peakRssMB: round(peak / 1048576, 1),
    brokerCpuPercent: round((brokerCpu / seconds) * 100, 1),
    influxdCpuPercent: round((influxCpu / seconds) * 100, 1),
  };
}

async function main() {
  if (process.env.BENCH_REPORT_ONLY) {
    // Re-render the report from the last results (e.g. after a change of the table).
    const last = JSON.parse(readFileSync(join(ROOT, 'bench', 'results', 'sensors.json'), 'utf8'));
    writeResults(last.runs, last.loadBefore, last.loadAfter, last.date);
    return;
  }
  const dir = tempDir('bench-sensors');
  const load0 = loadavg();
  const [bus, influx] = await Promise.all([startSensorBus(), startInfluxDb()]);
  const runs: Run[] = [];
  try {
    const counts = (process.env.BENCH_PUBLISHERS ?? '1,3').split(',').map(Number);
    // Node-RED last: when it floods InfluxDB with one request per message, the database needs a while.
    if (process.env.BENCH_ONLY !== 'Node-RED')
      for (const pubs of counts) {
        runs.push(await runOne('ioc-edge', pubs, bus, influx, dir));
        console.log(runs.at(-1));
      }
    if (!process.env.BENCH_SKIP_NODE_RED)
      for (const pubs of counts) {
        runs.push(await runOne('Node-RED', pubs, bus, influx, dir));
        console.log(runs.at(-1));
      }
  } finally {
    await Promise.all([bus.stop(), influx.stop()]);
    removeDir(dir);
  }
  const load1 = loadavg();
  writeResults(runs, load0, load1);
}

function writeResults(runs: Run[], load0: number[], load1: number[], date = new Date().toISOString()) {
  const nrVersion = (() => {
    try {
      return JSON.parse(readFileSync(join(PEERS, 'node_modules', 'node-red', 'package.json'), 'utf8'))
        .version;
    } catch {
      return 'not run';
    }
  })();
  const ratio = (pubs: number) => {
    const ours = runs.find((r) => r.system === 'ioc-edge' && r.publishers === pubs);
    const nr = runs.find((r) => r.system === 'Node-RED' && r.publishers === pubs);
    return ours && nr && nr.readingsPerSecond > 0
      ? round(ours.readingsPerSecond / nr.readingsPerSecond, 1)
      : undefined;
  };
  const json = {
    date,
    cpus: cpus().length,
    cpu: cpus()[0]?.model,
    node: process.version,
    nodeRed: nrVersion,
    loadBefore: load0,
    loadAfter: load1,
    goal: GOAL,
    runs,
    ratio: { '1': ratio(1), '3': ratio(3) },
  };
  mkdirSync(join(ROOT, 'bench', 'results'), { recursive: true });
  writeFileSync(join(ROOT, 'bench', 'results', 'sensors.json'), `${JSON.stringify(json, null, 2)}\n`);
  const l = (a: number[]) => a.map((v) => v.toFixed(2)).join(' ');
  const md = [
    '# bench:sensors',
    '',
    `${json.date} · ${json.cpus} CPUs (${json.cpu}) · Node ${json.node} · Node-RED ${nrVersion} ·`,
    `load average before ${l(load0)}, after ${l(load1)} (the machine is shared: numbers are noisy).`,
    '',
    'Publishers (QoS 1, MQTT 3.1.1 written straight on the socket, 2,000 in flight each, separate processes,',
    'all starting at one moment after connecting) → Mosquitto 2 → subscriber → InfluxDB 1.6, all on this',
    '2-core machine. One message = one reading of a device (3 metrics, one point). `readings/s into',
    'InfluxDB` = readings counted in InfluxDB / time from the first publish until the last one was in the',
    'database. `acked after persist/s` (ioc-edge): readings committed to the SQLite spool per second (each',
    'PUBACK leaves only then), from /api/health. The gateway runs `ioc-edge run` with influx.batchSize 20000',
    'and flushInterval 200ms (two requests in flight). Node-RED (mqtt in → json → influxdb batch, clean',
    'session off) acknowledges on receipt and writes one request per message. `lost`: not in InfluxDB when',
    'its count had stopped growing for 60 s. CPU, µs CPU per reading (all of the gateway: MQTT, decode,',
    'spool, checkpoints, HTTP to InfluxDB) and peak RSS are of the subscriber process, `main µs/reading`',
    'of its main thread alone; Mosquitto and influxd CPU over the same time.',
    '',
    '| system | publishers | readings | in InfluxDB | lost | readings/s into InfluxDB | acked after persist/s | publish/s | CPU | µs CPU/reading | main µs/reading | peak RSS | Mosquitto CPU | influxd CPU |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...runs.map(
      (r) =>
        `| ${r.system} | ${r.publishers} | ${r.messages} | ${r.stored} | ${r.lost} | ${r.readingsPerSecond} | ${r.intakePerSecond ?? '–'} | ${r.publishPerSecond} | ${r.cpuPercent}% | ${r.stored ? round((r.cpuPercent * r.seconds * 1e4) / r.stored, 1) : '–'} | ${r.stored && r.mainCpuPercent !== undefined ? round((r.mainCpuPercent * r.seconds * 1e4) / r.stored, 1) : '–'} | ${r.peakRssMB} MB | ${r.brokerCpuPercent ?? '–'}% | ${r.influxdCpuPercent ?? '–'}% |`,
    ),
    '',
    `ioc-edge / Node-RED: ${json.ratio['1'] ?? '–'}× with one publisher, ${json.ratio['3'] ?? '–'}× with three. Goal: ≥ ${GOAL} readings/s and ≥ 5×.`,
    '',
  ].join('\n');
  writeFileSync(join(ROOT, 'bench', 'results', 'sensors.md'), md);
  console.log(md);
}

await main();
