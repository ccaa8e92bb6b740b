/**
 * npm run bench:sensors — sustained readings/s from MQTT publishers through Mosquitto into the gateway
 * and on to InfluxDB 1.6, with the PUBACK sent only once a reading is in the durable spool, zero loss
 * checked by counting in the database; side by side with Node-RED 4.1 (mqtt in → json → influxdb batch
 * out, node-red-contrib-influxdb) on the same broker and database, with one and three publishers.
 * Node-RED is installed on first run into bench/.peers/node-red (gitignored), never into the project.
 * Each message is one reading of a device (3 metrics, one point). Results: bench/results/sensors.{md,json}.
 *
 * env: BENCH_SENSOR_MESSAGES (per run, default 100000), BENCH_PUBLISHERS (default 1,3),
 * BENCH_SKIP_NODE_RED=1, BENCH_ONLY=Node-RED
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { startCli } from '../test/support/cli.js';
import { type InfluxDb, startInfluxDb } from '../test/support/influxdb.js';
import type { Mosquitto } from '../test/support/mosquitto.js';
import {
  freePort,
  procStat,
  removeDir,
  type ServerProcess,
  startProcess,
  tempDir,
  waitUntil,
} from '../test/support/process.js';
import { startSensorBus } from '../test/support/sensor-bus.js';

const ROOT = resolve(import.meta.dirname, '..');
const PEERS = join(ROOT, 'bench', '.peers', 'node-red');
const MESSAGES = Number(process.env.BENCH_SENSOR_MESSAGES ?? 100_000);
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
  peakRssMB: number;
  note?: string;
}

const cpuSeconds = (pid: number) => {
  const f = procStat(pid);
  return (Number(f[11]) + Number(f[12])) / 100;
};
const rss = (pid: number) => {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) * 1024 : 0;
};
const round = (v: number, d = 0) => Math.round(v * 10 ** d) / 10 ** d;

function installNodeRed(): string {
  const red = join(PEERS, 'node_modules', 'node-red', 'red.js');
  if (!existsSync(red) || !existsSync(join(PEERS, 'node_modules', 'node-red-contrib-influxdb'))) {
    mkdirSync(PEERS, { recursive: true });
    console.log('installing node-red@4.1 and node-red-contrib-influxdb into bench/.peers/node-red ...');
    execFileSync(
      'npm',
      ['install', '--prefix', PEERS, '--no-audit', '--no-fund', 'node-red@4.1', 'node-red-contrib-influxdb'],
      { stdio: 'inherit' },
    );
  }
  return red;
}

async function startOurs(
  dir: string,
  bus: Mosquitto,
  influx: InfluxDb,
  db: string,
  pubs: number,
): Promise<ServerProcess> {
  const config = join(dir, `gw-${pubs}.yaml`);
  const devices = Array.from(
    { length: pubs },
    (_, k) =>
      `    - { id: pub-${k + 1}, type: air_quality, topic: bench/ours/+/state, decoder: { type: json, fields: { pm25: pm2_5, pm10: pm10, temperature: env.temp }, time: ts } }`,
  );
  writeFileSync(
    config,
    [
      'node: { id: bench, site: bench }',
      'log: { level: info }',
      `dataDir: ${dir}/data-${pubs}`,
      'mqtt: { broker: { embedded: false } }',
      'api: { port: 0 }',
      `influx: { url: "${influx.url}", database: ${db}, replayRate: 1000000 }`,
      'sensors:',
      `  broker: ${bus.url}`,
      `  clientId: bench-gateway-${pubs}`,
      '  devices:',
      ...devices,
      '',
    ].join('\n'),
  );
  const gw = startCli(['run', '--config', config]);
  await waitUntil('gateway subscribed', async () => gw.output().includes('sensor bus connected'), {
    server: gw,
    timeoutMs: 60_000,
  });
  await new Promise((r) => setTimeout(r, 500)); // the SUBACK
  return gw;
}

async function startNodeRed(
  dir: string,
  bus: Mosquitto,
  influx: InfluxDb,
  db: string,
  pubs: number,
): Promise<ServerProcess> {
  const red = installNodeRed();
  const userDir = join(dir, `node-red-${pubs}`);
  mkdirSync(userDir, { recursive: true });
  const uiPort = await freePort();
  const influxPort = new URL(influx.url).port;
  const flows = [
    { id: 'f0a1b2c3d4e5f601', type: 'tab', label: 'bench' },
    {
      id: 'b0a1b2c3d4e5f602',
      type: 'mqtt-broker',
      broker: '127.0.0.1',
      port: String(bus.port),
      clientid: `bench-node-red-${pubs}`,
      autoConnect: true,
      usetls: false,
      protocolVersion: '4',
      keepalive: '60',
      cleansession: false,
      autoUnsubscribe: false,
    },
    {
      id: 'c0a1b2c3d4e5f603',
      type: 'influxdb',
      hostname: '127.0.0.1',
      port: influxPort,
      protocol: 'http',
      database: db,
      name: '',
      usetls: false,
      influxdbVersion: '1.x',
    },
    {
      id: 'd0a1b2c3d4e5f604',
      type: 'mqtt in',
      z: 'f0a1b2c3d4e5f601',
      topic: 'bench/nodered/+/state',
      qos: '1',
      datatype: 'utf8',
      broker: 'b0a1b2c3d4e5f602',
      nl: false,
      rap: true,
      rh: 0,
      inputs: 0,
      wires: [['e0a1b2c3d4e5f605']],
    },
    {
      id: 'e0a1b2c3d4e5f605',
      type: 'json',
      z: 'f0a1b2c3d4e5f601',
      property: 'payload',
      action: 'obj',
      pretty: false,
      wires: [['a0a1b2c3d4e5f606']],
    },
    {
      id: 'a0a1b2c3d4e5f606',
      type: 'influxdb batch',
      z: 'f0a1b2c3d4e5f601',
      influxdb: 'c0a1b2c3d4e5f603',
      precision: 'ms',
      retentionPolicy: '',
      name: '',
    },
  ];
  writeFileSync(join(userDir, 'flows.json'), JSON.stringify(flows));
  writeFileSync(
    join(userDir, 'settings.js'),
    `module.exports = { flowFile: 'flows.json', uiHost: '127.0.0.1', uiPort: ${uiPort}, httpAdminRoot: false, httpNodeRoot: false, credentialSecret: false, logging: { console: { level: 'info' } } };\n`,
  );
  const nr = startProcess('node-red', process.execPath, [
    red,
    '-u',
    userDir,
    '-s',
    join(userDir, 'settings.js'),
  ]);
  // Node-RED logs nothing at warn when it connects: wait for its subscription on the broker instead.
  await waitUntil(
    'node-red subscribed',
    async () => {
      const out = execFileSync('ss', ['-tn', `( dport = :${bus.port} )`], { encoding: 'utf8' });
      return out.split('\n').length > 2 && nr.child.exitCode === null;
    },
    { server: nr, timeoutMs: 60_000 },
  );
  await new Promise((r) => setTimeout(r, 3000));
  return nr;
}

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
  const cpu0 = cpuSeconds(proc.pid);
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
  const t0 = performance.now();
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
    ]),
  );
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
    peakRssMB: round(peak / 1048576, 1),
  };
}

async function main() {
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

function writeResults(runs: Run[], load0: number[], load1: number[]) {
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
    date: new Date().toISOString(),
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
    'Publishers (QoS 1, MQTT 3.1.1 written straight on the socket, 2,000 in flight each, separate processes) → Mosquitto 2 →',
    'subscriber → InfluxDB 1.6, all on this machine. One message = one reading of a device (3 metrics, one',
    'point). `readings/s` = readings counted in InfluxDB / time from the first publish until the last one',
    'was in the database. ioc-edge acknowledges each message only once it is committed to its SQLite spool;',
    'Node-RED (mqtt in → json → influxdb batch, clean session off) acknowledges on receipt. CPU and peak RSS',
    'are of the subscriber process (gateway or Node-RED) only. `acked after persist/s`: readings committed',
    'to the spool (each PUBACK leaves only then) per second, from /api/health.',
    '',
    '| system | publishers | readings | in InfluxDB | lost | readings/s into InfluxDB | acked after persist/s | publish/s | CPU | peak RSS |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...runs.map(
      (r) =>
        `| ${r.system} | ${r.publishers} | ${r.messages} | ${r.stored} | ${r.lost} | ${r.readingsPerSecond} | ${r.intakePerSecond ?? '–'} | ${r.publishPerSecond} | ${r.cpuPercent}% | ${r.peakRssMB} MB |`,
    ),
    '',
    `ioc-edge / Node-RED: ${json.ratio['1'] ?? '–'}× with one publisher, ${json.ratio['3'] ?? '–'}× with three. Goal: ≥ ${GOAL} readings/s and ≥ 5×.`,
    '',
  ].join('\n');
  writeFileSync(join(ROOT, 'bench', 'results', 'sensors.md'), md);
  console.log(md);
}

await main();
