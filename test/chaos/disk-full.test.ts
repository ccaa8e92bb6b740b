import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AlertMessage } from '../../src/alerts/alert.js';
import {
  apiHealth,
  type GatewayProcess,
  logLines,
  logTail,
  startGatewayProcess,
  waitForApi,
  waitForSensors,
} from '../support/gateway-process.js';
import { type Mosquitto, startMosquitto } from '../support/mosquitto.js';
import { freePort, removeDir, startTogether, tempDir, waitUntil } from '../support/process.js';
import { QosPublisher, startSensorBus } from '../support/sensor-bus.js';
import { fillUp, mountSmallFs } from '../support/small-fs.js';
import { spooledLines, spooledPoints } from '../support/spool-rows.js';

/**
 * The data dir on a 24 MB filesystem made for the test (tmpfs; needs root, as CI has): the spool fills
 * what is left, then the disk is filled to the last byte by something else. The gateway keeps running,
 * drops the oldest telemetry with counts, never drops an alert, and says so in its health and in alerts.
 */
const FS_BYTES = 24 * 1024 * 1024;
const small = mountSmallFs(FS_BYTES, 'diskfull');
if (small.why) console.warn(`disk-full test skipped: ${small.why}`);
const fs = small.dir!;
const dir = tempDir('diskfull');
const logFile = join(dir, 'gateway.log');
let bus: Mosquitto;
let ioc: Mosquitto;
let gw: GatewayProcess | undefined;
let api: string;

afterAll(async () => {
  await gw?.stop(10_000);
  await Promise.all([bus?.stop(), ioc?.stop()]);
  small.remove();
  removeDir(dir);
});

const health = () => apiHealth(api);

describe.skipIf(small.why !== undefined)('disk full: the data dir on a 24 MB filesystem', () => {
  beforeAll(async () => {
    [bus, ioc] = await startTogether([startSensorBus(), startMosquitto()] as const);
    const port = await freePort();
    api = `http://127.0.0.1:${port}`;
    const config = join(dir, 'gw.yaml');
    writeFileSync(
      config,
      [
        'node: { id: edge-df, site: s1 }',
        `dataDir: ${fs}/data`,
        'mqtt: { broker: { embedded: false } }',
        `api: { port: ${port} }`,
        // No time-series server: every point stays in the spool, which the disk bounds.
        'influx: { spool: { keepFree: 6MB } }',
        'sensors:',
        `  broker: ${bus.url}`,
        '  devices:',
        '    - id: aq-01',
        '      type: air_quality',
        '      topic: sensors/aq-01/state',
        '      decoder: { type: json, fields: { pm25: pm2_5, seq: seq }, time: ts }',
        '      rules: [{ metric: pm25, raise: 500, clear: 100 }]',
        `uplink: { mqtt: { url: "${ioc.url}" }, heartbeat: 5s }`,
        'alerts: { diskMinFree: 8MB, cooldown: 0 }',
        '',
      ].join('\n'),
    );
    gw = startGatewayProcess(config, logFile);
    await waitForApi(gw, api, logFile);
    await waitForSensors(() => apiHealth(api), logFile);
  }, 120_000);

  it('drops the oldest telemetry with counts, never an alert, and says so in health and alerts', async () => {
    const received: AlertMessage[] = [];
    const client = await mqtt.connectAsync(ioc.url, { clientId: 'ioc-df', clean: false, protocolVersion: 5 });
    client.on('message', (topic, payload) => {
      if (topic.endsWith('/alerts')) received.push(JSON.parse(payload.toString()) as AlertMessage);
    });
    await client.subscribeAsync('ioc/s1/edge-df/#', { qos: 1 });
    const filler = join(fs, 'filler');
    const pub = new QosPublisher(bus.url, 'df-publisher', 400);
    await pub.connect();
    const base = Date.now() - 3_600_000;
    const SPIKE = 5000;
    const make = (k: number): [string, string] => [
      'sensors/aq-01/state',
      `{"pm2_5":${k % SPIKE === SPIKE - 1 ? 900 : k % 50},"seq":${k},"ts":${base + k}}`,
    ];
    try {
      // Something else takes 12 MB; the spool has what is left beyond keepFree (6 MB).
      fillUp(filler, 12 * 1024 * 1024);
      const N1 = 60_000;
      await pub.run(0, N1, make, 4000);
      await waitUntil('every reading handled', async () => (await health()).sensors.messages >= N1, {
        timeoutMs: 60_000,
        intervalMs: 250,
      });
      // The guard looks every second: the next look drops what is past the room left.
      await waitUntil(
        'points dropped for the disk',
        async () => (await health()).timeseries.totals.droppedForDisk > 0,
        {
          timeoutMs: 10_000,
          intervalMs: 250,
        },
      ).catch(async (err) => {
        throw new Error(`${(err as Error).message}: ${JSON.stringify((await health()).timeseries)}`);
      });
      let h = await health();
      expect(h.timeseries.disk.limiting, JSON.stringify(h.timeseries)).toBe(true);
      expect(h.components.timeseries).toBe('degraded');
      expect(h.timeseries.totals.droppedForDisk).toBeGreaterThan(0);

      // Oldest first, with counts: what the spool holds of aq-01 is the newest readings, without a gap,
      // and every point committed is either still there or counted as dropped.
      await new Promise((r) => setTimeout(r, 1500));
      const db = new Database(join(fs, 'data', 'ioc-edge.db'), { readonly: true, fileMustExist: true });
      const seqs = spooledLines(db)
        .filter((l) => l.startsWith('sensor,') && l.includes('aq-01'))
        .map((l) => Number(/[ ,]seq=(\d+)/.exec(l)?.[1]))
        .sort((a, b) => a - b);
      const spoolRows = spooledPoints(db);
      db.close();
      h = await health();
      expect(seqs.length).toBeGreaterThan(1000);
      expect(seqs.length).toBeLessThan(N1);
      expect(seqs.at(-1)).toBe(N1 - 1);
      expect(seqs.at(-1)! - seqs[0]! + 1).toBe(seqs.length);
      expect(h.timeseries.totals.committed).toBe(spoolRows + h.timeseries.totals.dropped);
      console.log(
        `disk full: kept readings ${seqs[0]}..${seqs.at(-1)} (${seqs.length}) of ${N1}; spool ${spoolRows} points, ${h.timeseries.totals.dropped} dropped (${h.timeseries.totals.droppedForDisk} for the disk), room ${h.timeseries.disk.roomBytes} B`,
      );

      // Says so in alerts: disk_low and spool_full, delivered with every threshold alert.
      await waitUntil(
        'disk_low and spool_full at the IOC',
        async () =>
          ['disk_low', 'spool_full'].every((t) => received.some((a) => a.type === t && a.state === 'new')),
        { timeoutMs: 30_000, intervalMs: 250 },
      );

      // Now the disk is full to the last byte: the gateway keeps going, alerts still find room.
      const filled = fillUp(filler);
      const N2 = 20_000;
      await pub.run(N1, N1 + N2, make, 4000);
      await waitUntil(
        'readings after the disk filled up handled',
        async () => (await health().catch(() => ({ sensors: { messages: 0 } }))).sensors.messages >= N1 + N2,
        { timeoutMs: 60_000, intervalMs: 250 },
      ).catch(async (err) => {
        throw new Error(`${(err as Error).message}: alive ${gw!.alive()}\n${logTail(logFile)}`);
      });
      h = await health();
      expect(h.status).not.toBe('down');
      console.log(
        `disk full: filled the last ${filled} B; then ${N2} readings: timeseries ${JSON.stringify(h.timeseries.disk)}, totals ${JSON.stringify(h.timeseries.totals)}, outbox ${JSON.stringify(h.alerts.outbox)}`,
      );

      // Every alert raised reached the IOC, none dropped.
      const raised = () =>
        new Set(
          logLines(logFile)
            .filter((l) => typeof l.msg === 'string' && l.msg.startsWith('alert raised'))
            .map((l) => l.alert as string),
        );
      const missing = () => [...raised()].filter((id) => !received.some((a) => a.id === id));
      await waitUntil('every raised alert at the IOC', async () => missing().length === 0, {
        timeoutMs: 30_000,
        intervalMs: 250,
      }).catch((err) => {
        throw new Error(`${(err as Error).message}: missing ${missing().join(', ')}`);
      });
      // Each spike is one raise: a new alert, or (when a backlog brings two spikes in one go) a raise that
      // continues the alert before its cooldown timer ended it. The messages carry the count of raises.
      const raises = () => {
        const byId = new Map<string, number>();
        for (const a of received)
          if (a.type === 'sensor_threshold') byId.set(a.id, Math.max(byId.get(a.id) ?? 0, a.count));
        return [...byId.values()].reduce((x, y) => x + y, 0);
      };
      await waitUntil('every spike raised at the IOC', async () => raises() >= (N1 + N2) / SPIKE, {
        timeoutMs: 60_000,
        intervalMs: 250,
      }).catch((err) => {
        throw new Error(`${(err as Error).message}: ${raises()} raises`);
      });
      expect(raises()).toBe((N1 + N2) / SPIKE);
      await waitUntil('every raised alert at the IOC', async () => missing().length === 0, {
        timeoutMs: 30_000,
        intervalMs: 250,
      });
      expect(h.alerts.outbox.dropped).toEqual({ telemetry: expect.any(Number), infoAlerts: 0, evidence: 0 });
      expect(gw!.alive()).toBe(true);
      expect((await fetch(`${api}/healthz`)).status).toBe(200);
    } finally {
      rmSync(filler, { force: true });
      await pub.end();
      await client.endAsync();
    }
  }, 240_000);
});
