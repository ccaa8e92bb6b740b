import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configSchema } from '../../src/config/schema.js';
import { RejectedStore } from '../../src/sensors/rejected-store.js';
import { type InfluxDb, startInfluxDb } from '../support/influxdb.js';
import type { Mosquitto } from '../support/mosquitto.js';
import { removeDir, tempDir } from '../support/process.js';
import { QosPublisher, sensorService, startSensorBus } from '../support/sensor-bus.js';
import { generateFuzz } from '../support/sensor-fuzz.js';
import { eventually, influxConfig, makeService } from '../support/timeseries.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const dir = tempDir('sensors-fuzz');
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

describe('fuzz: bad payloads interleaved with valid readings', () => {
  it('counts and dead-letters every bad one, stores every valid one exactly once, never crashes, flat memory', async () => {
    const cfg = configSchema.parse({
      node: { id: 'n1', site: 's1' },
      sensors: {
        broker: bus.url,
        clientId: 'fuzz-gateway',
        keepRejected: 100_000,
        subscribe: ['sensors/#'],
        devices: [
          {
            id: 'aq-01',
            type: 'air_quality',
            topic: 'sensors/aq-01/state',
            decoder: {
              type: 'json',
              fields: { pm25: 'pm2_5', seq: 'seq', temperature: 'env.temp' },
              time: 'ts',
            },
            metrics: { pm25: { min: 0, max: 1000 } },
          },
          { id: 'lvl-01', type: 'water_level', topic: 'sensors/lvl-01/level', decoder: 'number' },
        ],
      },
    });
    const { service: ts, store } = makeService(dir, influxConfig({ url: influx.url }));
    await ts.start();
    const sensors = sensorService(cfg, ts, store);
    const deadLetters = await mqtt.connectAsync(bus.url, { clientId: 'fuzz-dead-letters' });
    let dead = 0;
    const deadReasons = new Map<string, number>();
    deadLetters.on('message', (_t, p) => {
      dead++;
      const r = (JSON.parse(p.toString()) as { reason: string }).reason;
      deadReasons.set(r, (deadReasons.get(r) ?? 0) + 1);
    });
    await deadLetters.subscribeAsync('ioc-edge/n1/sensors/rejected', { qos: 1 });
    await sensors.start();
    await eventually('subscribed', () => sensors.health().subscribed);
    const pub = new QosPublisher(bus.url, 'fuzz-publisher', 200);
    await pub.connect();
    const base = Date.now() - 3_600_000;
    try {
      const heap: number[] = [];
      let totalBad = 0;
      const expected = new Map<string, number>();
      const valid = { aq: 0, lvl: 0 };
      // Three rounds of 6,000 messages (≥ 10,000 bad in all); the heap is measured after each.
      for (let round = 0; round < 3; round++) {
        const g = generateFuzz(6000, 1000 + round, base, valid.aq);
        for (const m of g.msgs) if (m.bad) expected.set(m.bad, (expected.get(m.bad) ?? 0) + 1);
        totalBad += g.bad;
        valid.aq += g.valid.aq;
        valid.lvl += g.valid.lvl;
        await pub.run(0, g.msgs.length, (i) => [g.msgs[i]!.topic, g.msgs[i]!.payload]);
        await eventually('all handled', () => sensors.ingest.messages >= (round + 1) * 6000, 60_000);
        gc();
        heap.push(process.memoryUsage().heapUsed);
      }
      expect(totalBad).toBeGreaterThanOrEqual(10_000);
      expect(sensors.ingest.messages).toBe(18_000);
      expect(sensors.ingest.rejected).toBe(totalBad);
      expect(sensors.ingest.rejectedBy.reduce((a, b) => a + b, 0)).toBe(totalBad);
      expect(sensors.health().rejected).toMatchObject(Object.fromEntries(expected));
      expect(sensors.connected).toBe(true);

      await eventually('dead letters', () => dead >= totalBad, 60_000);
      expect(Object.fromEntries(deadReasons)).toEqual(Object.fromEntries(expected));
      await eventually(
        'rejected kept',
        () => RejectedStore.list(store, 1_000_000).length >= totalBad,
        10_000,
      );
      expect(RejectedStore.list(store, 1_000_000)).toHaveLength(totalBad);

      const count = async (q: string) => Number((await influx.rows(q, 'ioc'))[0]?.count ?? 0);
      await eventually(
        'valid readings in InfluxDB',
        async () =>
          (await count("SELECT count(seq) FROM sensor WHERE device = 'aq-01'")) >= valid.aq &&
          (await count("SELECT count(value) FROM sensor WHERE device = 'lvl-01'")) >= valid.lvl,
        60_000,
      );
      expect(await count("SELECT count(seq) FROM sensor WHERE device = 'aq-01'")).toBe(valid.aq);
      expect(await count("SELECT count(distinct(seq)) FROM sensor WHERE device = 'aq-01'")).toBe(valid.aq);
      expect(await count("SELECT count(value) FROM sensor WHERE device = 'lvl-01'")).toBe(valid.lvl);
      expect(await count("SELECT count(distinct(value)) FROM sensor WHERE device = 'lvl-01'")).toBe(
        valid.lvl,
      );
      // Flat memory: the third round does not hold more than the first (some MB of slack for JIT and pools).
      expect(heap[2]! - heap[0]!).toBeLessThan(8 * 1024 * 1024);
    } finally {
      await pub.end();
      await deadLetters.endAsync();
      await sensors.stop();
      await ts.stop();
      store.close();
    }
  }, 240_000);
});
