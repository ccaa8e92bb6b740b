import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Mosquitto } from '../support/mosquitto.js';
import { QosPublisher, sensorRig, startSensorBus } from '../support/sensor-bus.js';
import { spooledLines } from '../support/spool-rows.js';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy.js';
import { eventually } from '../support/timeseries.js';

let bus: Mosquitto;
let proxy: TcpProxy;
beforeAll(async () => {
  bus = await startSensorBus();
  proxy = await startTcpProxy(Number(new URL(bus.url).port));
}, 60_000);
afterAll(async () => {
  await proxy?.stop();
  await bus?.stop();
});

/**
 * The gateway's broker connection cut again and again while a publisher sends at QoS 1: each cut drops
 * the PUBACKs held for uncommitted readings and leaves the broker to deliver those again on the next
 * connection (with DUP), while readings of the old connection may still be committing. Every reading the
 * broker acknowledged to the publisher must end up in the spool.
 */
describe('sensor connection cut while readings arrive', () => {
  it('every reading is in the spool after 8 cuts of the broker connection', async () => {
    const rig = sensorRig(
      {
        broker: `mqtt://127.0.0.1:${proxy.port}`,
        clientId: 'cuts-gateway',
        devices: [
          {
            id: 'aq-01',
            type: 'air_quality',
            topic: 'sensors/aq-01/state',
            decoder: { type: 'json', fields: { pm25: 'pm2_5', seq: 'seq' }, time: 'ts' },
          },
        ],
      },
      'sensor-cuts',
    );
    const { gateway, store } = rig;
    const pub = new QosPublisher(bus.url, 'cuts-publisher', 400);
    const N = 24_000;
    const CUTS = 8;
    try {
      await rig.start();
      await eventually('subscribed', () => gateway.health().subscribed);
      await pub.connect();
      const base = Date.now() - 3_600_000;
      const publishing = pub.run(
        0,
        N,
        (k) => ['sensors/aq-01/state', `{"pm2_5":${k % 50},"seq":${k},"ts":${base + k}}`],
        6000,
      );
      // A cut each time another N / (CUTS + 1) messages were handled, each on a new connection.
      for (let cut = 1; cut <= CUTS; cut++) {
        const at = (cut * N) / (CUTS + 1);
        await eventually(
          `connection ${cut} with message ${at} handled`,
          () => {
            const h = gateway.health();
            return h.connects === cut && h.subscribed && gateway.ingest.messages >= at;
          },
          30_000,
        );
        expect(proxy.cutAll()).toBeGreaterThan(0);
      }
      await publishing;
      const seqs = () => {
        const seen = new Set<number>();
        for (const line of spooledLines(store.db, 'seq=')) seen.add(Number(/seq=(\d+)/.exec(line)![1]));
        return seen;
      };
      await eventually('every reading in the spool', () => seqs().size === N, 60_000).catch(() => {
        const seen = seqs();
        const missing = Array.from({ length: N }, (_, k) => k).filter((k) => !seen.has(k));
        throw new Error(
          `${missing.length} of ${N} readings not in the spool: ${missing.slice(0, 20).join(', ')}`,
        );
      });
      await eventually('connected again after the last cut', () => gateway.health().connects === CUTS + 1);
      // The broker delivered readings of a cut connection again: the spool holds some twice (same point,
      // InfluxDB keeps one), none is missing.
      expect(spooledLines(store.db, 'seq=').length).toBeGreaterThanOrEqual(N);
    } finally {
      await pub.end();
      await rig.stop();
    }
  }, 180_000);
});
