import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCli } from '../support/cli.js';
import { type InfluxDb, startInfluxDb } from '../support/influxdb.js';
import { freePort, removeDir, tempDir, waitUntil } from '../support/process.js';
import { QosPublisher } from '../support/sensor-bus.js';

const dir = tempDir('sensors-embedded');
let influx: InfluxDb;

beforeAll(async () => {
  influx = await startInfluxDb();
  await influx.createDatabase('ioc');
}, 60_000);

afterAll(async () => {
  await influx?.stop();
  removeDir(dir);
});

describe('the gateway with its embedded broker', () => {
  it('takes a local sensor’s QoS 1 readings into InfluxDB and reports sensors and broker health', async () => {
    const port = await freePort();
    const config = join(dir, 'gw.yaml');
    writeFileSync(
      config,
      [
        'node: { id: edge-e, site: s1 }',
        `dataDir: ${dir}/data`,
        `mqtt: { broker: { embedded: true, port: ${port}, maxPublishRate: 100000 } }`,
        'api: { port: 0 }',
        `influx: { url: "${influx.url}", database: ioc, flushInterval: 100ms }`,
        'sensors:',
        `  broker: mqtt://127.0.0.1:${port}`,
        '  devices:',
        '    - { id: rain-01, type: rain_gauge, topic: "sensors/+/state", decoder: { type: kv, time: ts }, interval: 60s }',
        '',
      ].join('\n'),
    );
    const gw = startCli(['run', '--config', config]);
    try {
      await waitUntil('sensor bus subscribed', async () => gw.output().includes('sensor bus subscribed'), {
        server: gw,
        timeoutMs: 30_000,
      });
      const api = /"url":"(http:\/\/127\.0\.0\.1:\d+)"/.exec(gw.output())?.[1];
      // Anonymous and local: a sensor, allowed to publish to its own topic.
      const pub = new QosPublisher(`mqtt://127.0.0.1:${port}`, 'rain-01-node', 100, { protocolVersion: 4 });
      await pub.connect();
      const base = Date.now() - 600_000;
      const N = 2000;
      await pub.run(0, N, (i) => [
        'sensors/rain-01/state',
        `rain_mm=${(i % 40) / 10} battery_v=3.6 ts=${base + i}`,
      ]);
      await pub.end();
      await waitUntil(
        'readings in InfluxDB',
        async () =>
          Number(
            (await influx.rows("SELECT count(rain_mm) FROM sensor WHERE device = 'rain-01'", 'ioc'))[0]
              ?.count ?? 0,
          ) >= N,
        { timeoutMs: 60_000, intervalMs: 250 },
      );
      const [row] = await influx.rows(
        "SELECT count(rain_mm), count(battery_v) FROM sensor WHERE device = 'rain-01'",
        'ioc',
      );
      expect(row).toMatchObject({ count: N, count_1: N });
      const health = (await (await fetch(`${api}/api/health`)).json()) as Record<
        string,
        Record<string, unknown>
      >;
      expect(health.sensors).toMatchObject({
        state: 'connected',
        messages: N,
        points: N,
        rejected: { total: 0 },
      });
      expect((health.sensors!.devices as Record<string, unknown>)['rain-01']).toMatchObject({
        type: 'rain_gauge',
        readings: 2 * N,
        online: true,
      });
      expect(health.broker).toMatchObject({ refused: { auth: 0, publish: 0 } });
      const metrics = await (await fetch(`${api}/metrics`)).text();
      expect(metrics).toMatch(/ioc_sensor_readings_total\{device="rain-01"[^}]*\} 4000/);
    } finally {
      await gw.stop();
    }
  }, 120_000);
});
