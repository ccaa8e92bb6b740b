import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configSchema } from '../../src/config/schema.js';
import { type Mosquitto, startMosquitto } from '../support/mosquitto.js';
import { removeDir, tempDir } from '../support/process.js';
import { QosPublisher, sensorRig, sensorService, startSensorBus } from '../support/sensor-bus.js';
import { eventually, influxConfig, makeService } from '../support/timeseries.js';

let bus: Mosquitto;
beforeAll(async () => {
  bus = await startSensorBus();
}, 60_000);
afterAll(async () => {
  await bus?.stop();
});

/** A sensor rig with one water-level device, on `broker` as `clientId` (temp dir named after `prefix`). */
const levelRig = (broker: string, clientId: string, prefix: string) =>
  sensorRig(
    {
      broker,
      clientId,
      devices: [{ id: 'lvl-01', type: 'water_level', topic: 'sensors/lvl-01/level', decoder: 'number' }],
    },
    prefix,
  );

describe('sensor client', () => {
  it('a backlog from the broker is read in turns of ~1,000 messages: timers and I/O run in between', async () => {
    const cfg = configSchema.parse({
      node: { id: 'n1', site: 's1' },
      mqtt: { broker: { embedded: false } },
      sensors: {
        broker: bus.url,
        clientId: 'turns-gateway',
        devices: [{ id: 'lvl-01', type: 'water_level', topic: 'sensors/lvl-01/level', decoder: 'number' }],
      },
    });
    const dir = tempDir('sensor-turns');
    const { service: ts, store } = makeService(dir, influxConfig());
    const sensors = () => sensorService(cfg, ts, store);
    const pub = new QosPublisher(bus.url, 'turns-publisher', 2000);
    let gateway = sensors();
    try {
      await ts.start();
      // The persistent session exists (subscribed) once a first message gets through.
      await gateway.start();
      await pub.connect();
      await eventually('subscribed', async () => {
        await pub.run(0, 1, () => ['sensors/lvl-01/level', '1']);
        return gateway.ingest.messages > 0;
      });
      await gateway.stop();

      // 20,000 readings queued by the broker while the gateway is away, delivered at once when it returns.
      const N = 20_000;
      await pub.run(0, N, (i) => ['sensors/lvl-01/level', String(i)]);
      gateway = sensors();
      const perTurn: number[] = [];
      let last = 0;
      let watching = true;
      const watch = () => {
        const m = gateway.ingest.messages;
        perTurn.push(m - last);
        last = m;
        if (watching) setImmediate(watch);
      };
      setImmediate(watch);
      await gateway.start();
      await eventually('the backlog handled', () => gateway.ingest.messages >= N, 30_000);
      watching = false;
      // Between two turns of the event loop at most one batch of 1,024, plus the rest of the one before.
      expect(perTurn.length).toBeGreaterThan(N / 2048);
      expect(Math.max(...perTurn)).toBeLessThanOrEqual(2048);
    } finally {
      await pub.end();
      await gateway.stop();
      await ts.stop();
      store.close();
      removeDir(dir);
    }
  }, 90_000);

  it('subscribed once the broker granted the subscriptions (SUBACK), not while connecting or after a drop', async () => {
    const broker = await startMosquitto({ persistence: true });
    const rig = levelRig(broker.url, 'subscribed-gateway', 'sensor-subscribed');
    const { gateway } = rig;
    try {
      expect(gateway.health().subscribed).toBe(false);
      await rig.start();
      await eventually('subscribed', () => gateway.health().subscribed);
      expect(gateway.health().state).toBe('connected');
      await broker.pause();
      await eventually('connection lost', () => !gateway.connected);
      expect(gateway.health().subscribed).toBe(false);
      await broker.restart();
      await eventually('subscribed again', () => gateway.health().subscribed, 30_000);
    } finally {
      await rig.stop();
      await broker.stop();
    }
  }, 60_000);
  it('a stop while still connecting leaves no client behind: it does not connect after the stop, nor come back', async () => {
    const rig = levelRig(bus.url, 'stopped-while-connecting', 'sensor-stop-connecting');
    const { gateway } = rig;
    try {
      await rig.start();
      // The connection is still being made (the broker's CONNACK cannot have arrived in this turn).
      expect(gateway.health().state).toBe('connecting');
      await gateway.stop();
      // A client left behind connects within a round trip to the broker and retries every second: given
      // 2.5 s, it would have connected at least once.
      const connected = await eventually(
        'a connection after the stop',
        () => gateway.health().connects > 0,
        2500,
      )
        .then(() => true)
        .catch(() => false);
      expect(connected).toBe(false);
    } finally {
      await rig.stop();
    }
  }, 30_000);
});
