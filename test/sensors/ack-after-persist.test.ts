import mqtt from 'mqtt';
import { afterEach, describe, expect, it } from 'vitest';
import { configSchema } from '../../src/config/schema.js';
import { EmbeddedBroker } from '../../src/mqtt/embedded-broker.js';
import type { Store } from '../../src/store/store.js';
import type { TimeSeriesService } from '../../src/timeseries/service.js';
import { removeDir, tempDir } from '../support/process.js';
import { sensorService } from '../support/sensor-bus.js';
import { spooledPoints } from '../support/spool-rows.js';
import { eventually, influxConfig, makeService, quietLogger } from '../support/timeseries.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

/**
 * The gateway's PUBACKs as the broker sees them (aedes' 'ack' event), against what is in the spool
 * at that moment: an acknowledgement must never come before the reading is committed (or synced).
 */
async function setup(ackAfter: 'commit' | 'sync', commitIntervalMs: number, syncInterval: string) {
  const cfg = configSchema.parse({
    node: { id: 'n1', site: 's1' },
    mqtt: { broker: { port: 0 } },
    sensors: {
      ackAfter,
      syncInterval,
      devices: [{ id: 'aq-01', type: 'air_quality', topic: 'sensors/aq-01/state', decoder: 'number' }],
    },
  });
  const dir = tempDir('ack');
  cleanups.push(() => removeDir(dir));
  const broker = new EmbeddedBroker(cfg.mqtt.broker, cfg.sensors, quietLogger());
  await broker.start();
  cleanups.push(() => broker.stop());
  const { service: ts, store } = makeService(dir, influxConfig(), { commitIntervalMs });
  await ts.start();
  cleanups.push(async () => {
    await ts.stop();
    store.close();
  });
  const sensors = sensorService(
    { sensors: { ...cfg.sensors, broker: `mqtt://127.0.0.1:${broker.address.port}` }, node: cfg.node },
    ts,
    store,
    { credentials: broker.gatewayCredentials, protocolVersion: 4 },
  );
  await sensors.start();
  cleanups.push(() => sensors.stop());
  await eventually('subscribed', () => broker.aedes!.connectedClients === 1 && sensors.connected);
  await new Promise((r) => setTimeout(r, 200));
  return { broker, ts, store, sensors };
}

function rowsIn(store: Store): number {
  return spooledPoints(store.db);
}

async function publishAndWatch(
  broker: EmbeddedBroker,
  ts: TimeSeriesService,
  store: Store,
  n: number,
  syncs: () => number = () => 0,
) {
  const seenAt: { spoolRows: number; committed: number; syncs: number }[] = [];
  broker.aedes!.on('ack', (packet, client) => {
    if (client?.id?.endsWith('-sensors') && packet && 'topic' in packet)
      seenAt.push({ spoolRows: rowsIn(store), committed: ts.sink.committed, syncs: syncs() });
  });
  const pub = await mqtt.connectAsync(`mqtt://127.0.0.1:${broker.address.port}`, { clientId: 'pub' });
  cleanups.push(() => pub.endAsync());
  const sentAt = Date.now();
  for (let i = 0; i < n; i++) await pub.publishAsync('sensors/aq-01/state', String(i), { qos: 1 });
  await eventually('all acked', () => seenAt.length >= n);
  return { seenAt, sentAt };
}

describe('acknowledged only once durable', () => {
  it('ackAfter commit: each PUBACK reaches the broker after its reading is in the spool', async () => {
    const { broker, ts, store } = await setup('commit', 250, '60s');
    const { seenAt, sentAt } = await publishAndWatch(broker, ts, store, 20);
    expect(Date.now() - sentAt).toBeGreaterThanOrEqual(250); // held for the commit
    seenAt.forEach((s, i) => {
      expect(s.spoolRows).toBeGreaterThanOrEqual(i + 1);
      expect(s.committed).toBeGreaterThanOrEqual(i + 1);
    });
  });

  it('ackAfter sync: the PUBACK waits for the WAL sync', async () => {
    const { broker, ts, store, sensors } = await setup('sync', 10, '300ms');
    const syncsBefore = sensors.syncs;
    const { seenAt } = await publishAndWatch(broker, ts, store, 5, () => sensors.syncs);
    expect(seenAt).toHaveLength(5);
    // Committed within 10 ms, but acknowledged only after a WAL sync that came later.
    for (const s of seenAt) {
      expect(s.committed).toBeGreaterThanOrEqual(1);
      expect(s.syncs).toBeGreaterThan(syncsBefore);
    }
  });
});
