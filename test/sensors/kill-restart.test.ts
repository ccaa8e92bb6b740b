import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCli } from '../support/cli.js';
import { type InfluxDb, startInfluxDb } from '../support/influxdb.js';
import type { Mosquitto } from '../support/mosquitto.js';
import { removeDir, type ServerProcess, tempDir, waitUntil } from '../support/process.js';
import { QosPublisher, startSensorBus } from '../support/sensor-bus.js';

const dir = tempDir('sensors-kill');
let bus: Mosquitto;
let influx: InfluxDb;

beforeAll(async () => {
  [bus, influx] = await Promise.all([startSensorBus(), startInfluxDb()]);
  await influx.createDatabase('ioc');
}, 60_000);

afterAll(async () => {
  await Promise.all([bus?.stop(), influx?.stop()]);
  removeDir(dir);
});

function writeConfig(): string {
  const config = join(dir, 'gw.yaml');
  writeFileSync(
    config,
    [
      'node: { id: edge-k, site: s1 }',
      `dataDir: ${dir}/data`,
      'mqtt: { broker: { embedded: false } }',
      'api: { enabled: false }',
      `influx: { url: "${influx.url}", database: ioc, flushInterval: 100ms }`,
      'sensors:',
      `  broker: ${bus.url}`,
      '  devices:',
      '    - { id: aq-01, type: air_quality, topic: sensors/aq-01/state, decoder: { type: json, fields: { pm25: pm2_5, seq: seq }, time: ts } }',
      // No time in the payload: the arrival time, which a redelivery must not change.
      '    - { id: lvl-01, type: water_level, topic: sensors/+/level, decoder: number }',
      '',
    ].join('\n'),
  );
  return config;
}

async function startGateway(config: string): Promise<{ gw: ServerProcess }> {
  const gw = startCli(['run', '--config', config]);
  await waitUntil('sensor bus subscribed', async () => gw.output().includes('sensor bus subscribed'), {
    server: gw,
    timeoutMs: 30_000,
  });
  return { gw };
}

async function count(q: string): Promise<number> {
  const rows = await influx.rows(q, 'ioc');
  return Number(rows[0]?.count ?? 0);
}

describe('kill -9 of the gateway while a publisher keeps sending at QoS 1', () => {
  it('loses no reading the broker acknowledged and duplicates none in InfluxDB', async () => {
    const N = 15_000; // per device
    const base = Date.now() - 3_600_000;
    const config = writeConfig();
    let { gw } = await startGateway(config);
    const pub = new QosPublisher(bus.url, 'kill-test-publisher', 400);
    await pub.connect();
    // Interleaved: even i → aq-01 (own timestamps), odd i → lvl-01 (arrival time).
    const make = (i: number): [string, string] => {
      const k = i >> 1;
      return i % 2 === 0
        ? ['sensors/aq-01/state', `{"pm2_5":${k % 300},"seq":${k},"ts":${base + k}}`]
        : ['sensors/lvl-01/level', String(k)];
    };
    try {
      // Kill -9 twice in the middle of the stream; the publisher does not stop meanwhile. It is held 2,000
      // messages past each kill's mark until the gateway is back, so however slow the machine (a loaded CI
      // box took longer to restart the gateway twice than the publisher took to finish), both kills fall
      // while it is sending.
      let target = 4000;
      pub.hold(target + 2000);
      const running = pub.run(0, 2 * N, make, 2000);
      for (let k = 0; k < 2; k++) {
        await waitUntil(`${target} published`, async () => pub.acked >= target, { timeoutMs: 60_000 });
        await gw.kill();
        ({ gw } = await startGateway(config));
        target = pub.acked + 3000;
        pub.hold(k === 0 ? target + 2000 : Number.POSITIVE_INFINITY);
      }
      expect(pub.acked).toBeLessThan(2 * N); // both crashes happened while it was sending
      await running;
      const started = /"remembered":(\d+)/.exec(gw.output());
      expect(Number(started?.[1])).toBeGreaterThan(0); // the arrival ledger came back from the store

      const aq = "SELECT count(seq) FROM sensor WHERE device = 'aq-01'";
      const lvl = "SELECT count(value) FROM sensor WHERE device = 'lvl-01'";
      await waitUntil(
        'every reading in InfluxDB',
        async () => (await count(aq)) >= N && (await count(lvl)) >= N,
        { timeoutMs: 90_000, intervalMs: 500 },
      ).catch(async (err) => {
        throw new Error(
          `${(err as Error).message}: aq-01 ${await count(aq)}, lvl-01 ${await count(lvl)} of ${N}\n${gw.output().slice(-3000)}`,
        );
      });
      // Settle: anything still arriving would be a duplicate.
      await new Promise((r) => setTimeout(r, 1500));
      expect(await count(aq)).toBe(N);
      expect(await count(lvl)).toBe(N);
      expect(await count("SELECT count(distinct(value)) FROM sensor WHERE device = 'lvl-01'")).toBe(N);
      expect(await count("SELECT count(distinct(seq)) FROM sensor WHERE device = 'aq-01'")).toBe(N);
      const [edge] = await influx.rows(
        "SELECT min(value), max(value) FROM sensor WHERE device = 'lvl-01'",
        'ioc',
      );
      expect(edge).toMatchObject({ min: 0, max: N - 1 });
    } finally {
      await pub.end();
      await gw.stop();
    }
  }, 240_000);
});
