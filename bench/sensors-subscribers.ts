/**
 * The two subscribers bench:sensors compares, each started on the same Mosquitto and InfluxDB: the
 * gateway (`ioc-edge run` with one json device per publisher) and Node-RED 4.1 with the flow
 * mqtt in → json → influxdb batch (node-red-contrib-influxdb), installed on first use into
 * bench/.peers/node-red (gitignored), never into the project.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ROOT, startCli } from '../test/support/cli.js';
import type { InfluxDb } from '../test/support/influxdb.js';
import type { Mosquitto } from '../test/support/mosquitto.js';
import { freePort, type ServerProcess, startProcess, waitUntil } from '../test/support/process.js';

export const PEERS = join(resolve(import.meta.dirname, '..'), 'bench', '.peers', 'node-red');

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

export async function startOurs(
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
      `influx: { url: "${influx.url}", database: ${db}, batchSize: ${process.env.BENCH_BATCH ?? 20000}, flushInterval: 200ms, replayRate: 1000000 }`,
      'sensors:',
      `  broker: ${bus.url}`,
      `  clientId: bench-gateway-${pubs}`,
      '  devices:',
      ...devices,
      '',
    ].join('\n'),
  );
  // BENCH_CPU_PROF=DIR: a V8 CPU profile of the gateway, written into DIR when it stops.
  const prof = process.env.BENCH_CPU_PROF;
  const gw = prof
    ? startProcess('ioc-edge', process.execPath, [
        '--cpu-prof',
        `--cpu-prof-dir=${resolve(prof)}`,
        '--import',
        'tsx',
        join(ROOT, 'src', 'cli.ts'),
        'run',
        '--config',
        config,
      ])
    : startCli(['run', '--config', config]);
  await waitUntil('gateway subscribed', async () => gw.output().includes('sensor bus connected'), {
    server: gw,
    timeoutMs: 60_000,
  });
  await new Promise((r) => setTimeout(r, 500)); // the SUBACK
  return gw;
}

export async function startNodeRed(
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
