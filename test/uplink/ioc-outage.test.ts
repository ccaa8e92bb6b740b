import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AlertMessage } from '../../src/alerts/alert.js';
import { AlertsService } from '../../src/alerts/service.js';
import type { Incident } from '../../src/analytics/events.js';
import { parseConfigText } from '../../src/config/load.js';
import { SecretScrubber } from '../../src/log/redact.js';
import type { SensorRuleEvent } from '../../src/sensors/events.js';
import { Store } from '../../src/store/store.js';
import { MqttLink } from '../../src/uplink/mqtt-link.js';
import { UplinkService } from '../../src/uplink/service.js';
import { Topics } from '../../src/uplink/topics.js';
import { JUNCTION_ZONES } from '../support/clip-cameras.js';
import {
  type IocBroker,
  IocClient,
  NODE,
  PREFIX,
  startIocBroker,
  USERS,
  uplinkYaml,
} from '../support/ioc.js';
import { removeDir, tempDir, waitUntil } from '../support/process.js';
import { runClip } from '../support/run-clip.js';

const dir = tempDir('ioc-outage');
const log = pino({ level: process.env.TEST_LOG ?? 'silent' });

/** Messages per alert id in arrival order, duplicates (same id and seq) checked to be identical and dropped. */
function byAlert(alerts: AlertMessage[]): Map<string, AlertMessage[]> {
  const out = new Map<string, AlertMessage[]>();
  const seen = new Map<string, string>();
  for (const a of alerts) {
    const key = `${a.id}/${a.seq}`;
    const json = JSON.stringify(a);
    const before = seen.get(key);
    if (before !== undefined) {
      expect(json).toBe(before); // a duplicate is the same message
      continue;
    }
    seen.set(key, json);
    const list = out.get(a.id) ?? [];
    list.push(a);
    out.set(a.id, list);
  }
  return out;
}

describe('alerts reach the IOC broker (real Mosquitto, mTLS) across an outage', () => {
  let ioc: IocBroker;
  beforeAll(async () => {
    ioc = await startIocBroker(dir);
  });
  afterAll(async () => {
    await ioc?.stop();
    removeDir(dir);
  });

  it('broker down while a real clip raises incidents and a sensor rule fires; back up: every alert arrives, in order per id', async () => {
    const cfg = parseConfigText(
      [
        `node: { id: ${NODE.id}, site: ${NODE.site}, name: "QL13 km 12", location: { lat: 11.05, lon: 106.66 } }`,
        `dataDir: ${dir}/data`,
        'cameras:',
        '  - { id: junction, name: "Ngã tư Phú Hòa", url: "file:///clip.mp4" }',
        uplinkYaml(ioc),
        'alerts: { cooldown: 1s, updateInterval: 200ms }',
      ].join('\n'),
      join(dir, 'gw.yaml'),
      { env: { IOC_PASS: USERS['edge-01'] } },
    );
    const store = new Store(cfg.store.path);
    const iocClient = await IocClient.connect(ioc);
    const alerts = new AlertsService({
      node: cfg.node,
      cameras: cfg.cameras,
      alerts: cfg.alerts,
      uplink: cfg.uplink,
      dataDir: cfg.dataDir,
      store,
      log,
      evidenceTopic: (id) => `${PREFIX}/evidence/${id}`,
    });
    const uplink = new UplinkService({
      node: cfg.node,
      uplink: cfg.uplink,
      dataDir: cfg.dataDir,
      outbox: alerts.outbox,
      alerts: alerts.manager,
      health: {},
      scrubber: new SecretScrubber(),
      log,
      backoffInitialMs: 200,
      backoffMaxMs: 1000,
    });
    try {
      await alerts.start();
      await uplink.start();
      await waitUntil('status online at the IOC', async () => iocClient.status() === 'online');

      await ioc.broker.pause();
      await waitUntil('uplink down', async () => !uplink.link!.connected);

      // The junction clip through the real vision path: a pedestrian crosses the zebra in the first 10 s.
      const run = await runClip(
        'intersection_cctv_pedestrians.mp4',
        `detect: { fps: 10 }\n${JUNCTION_ZONES}`,
        {
          evidenceDir: join(dir, 'evidence'),
          untilSeconds: 12,
        },
      );
      await run.stage.evidenceWritten();
      const incidents: Incident[] = [];
      for (const e of run.events) {
        if (e.type === 'incident_start') {
          incidents.push(e.incident);
          // The incident is renamed to this camera as the gateway would have it (the helper calls it "clip").
          alerts.incidentStart({ ...e.incident, cameraId: 'junction' }, e.evidence !== undefined);
          if (e.incident.evidencePath)
            alerts.incidentEvidence(e.incident.id, readFileSync(e.incident.evidencePath));
        } else if (e.type === 'incident_end') {
          alerts.incidentEnd({ ...e.incident, cameraId: 'junction' });
        }
      }
      expect(incidents.filter((i) => i.type === 'pedestrian_in_carriageway').length).toBeGreaterThan(0);
      const rule: SensorRuleEvent = {
        type: 'sensor_rule',
        state: 'raise',
        rule: 'threshold',
        device: 'wl-03',
        deviceType: 'water_level',
        metric: 'level_cm',
        value: 41,
        threshold: 30,
        unit: 'cm',
        severity: 'critical',
        timeMs: Date.now(),
        detail: 'level_cm 41 cm ≥ 30 for 60 s',
      };
      alerts.sensorRule(rule);
      alerts.sensorRule({
        ...rule,
        state: 'clear',
        value: 22,
        timeMs: Date.now() + 1,
        detail: 'level_cm 22 cm < 27',
      });
      // Every alert ends (cooldown 1 s) while the IOC is still away: new, updates and end wait in the outbox.
      await waitUntil('all alerts ended', async () => alerts.manager.health().open === 0, {
        timeoutMs: 10_000,
      });
      const { raised, updates, ended, evidence } = alerts.manager.totals;
      expect(raised).toBeGreaterThanOrEqual(2);
      expect(ended).toBe(raised);
      expect(evidence).toBeGreaterThan(0);
      expect(alerts.outbox.stats().bySink.mqtt).toBe(raised + updates + ended + evidence);
      expect(iocClient.alerts()).toEqual([]);

      await ioc.broker.restart();
      await waitUntil('outbox drained', async () => alerts.outbox.depth === 0, { timeoutMs: 30_000 });
      await waitUntil('every message at the IOC', async () => {
        const got = byAlert(iocClient.alerts());
        return [...got.values()].reduce((n, l) => n + l.length, 0) === raised + updates + ended;
      });
      expect(iocClient.invalid).toEqual([]);
      const got = byAlert(iocClient.alerts());
      expect(got.size).toBe(raised);
      for (const [id, msgs] of got) {
        // In order per id: new (seq 1), updates, end; nothing after the end.
        expect(msgs.map((m) => m.seq)).toEqual(msgs.map((_, i) => i + 1));
        expect(msgs[0]!.state).toBe('new');
        expect(msgs.at(-1)!.state).toBe('end');
        expect(msgs.slice(1, -1).every((m) => m.state === 'update')).toBe(true);
        if (msgs[0]!.source.kind === 'camera') {
          expect(msgs[0]).toMatchObject({
            source: { kind: 'camera', id: 'junction', name: 'Ngã tư Phú Hòa' },
            type: 'pedestrian_in_carriageway',
            zone: 'zebra',
            title: {
              vi: 'Người đi bộ trên lòng đường — camera Ngã tư Phú Hòa',
              en: 'Pedestrian on the carriageway — camera Ngã tư Phú Hòa',
            },
          });
          // Its picture follows its first message, as a JPEG on the topic the message names.
          const pics = iocClient.evidence(id);
          expect(pics.length).toBeGreaterThan(0);
          expect(msgs[0]!.evidence?.snapshot?.topic).toBe(`${PREFIX}/evidence/${id}`);
          const order = iocClient.received.map((r) => r.topic);
          expect(order.indexOf(`${PREFIX}/evidence/${id}`)).toBeGreaterThan(
            iocClient.received.findIndex(
              (r) => r.topic === `${PREFIX}/alerts` && (r.value as AlertMessage).id === id,
            ),
          );
        }
      }
      const sensor = [...got.values()].find((m) => m[0]!.source.kind === 'sensor')!;
      expect(sensor.map((m) => m.state)).toEqual(['new', 'end']);
      expect(sensor[0]).toMatchObject({
        type: 'sensor_threshold',
        severity: 'critical',
        metric: 'level_cm',
        value: 41,
      });
      expect(iocClient.status()).toBe('online');
    } finally {
      await uplink.stop();
      await alerts.stop();
      store.close();
      await iocClient.end();
    }
  }, 180_000);

  it('pins the CA (a broker certificate from another CA is refused) and needs its client certificate (mTLS)', async () => {
    const mqttCfg = (tls: { ca: string; cert?: string; key?: string }) =>
      parseConfigText(
        [
          `node: { id: ${NODE.id}, site: ${NODE.site} }`,
          'uplink:',
          '  mqtt:',
          `    url: ${ioc.broker.url}`,
          `    tls: ${JSON.stringify(tls)}`,
          '    username: edge-01',
          `    password: ${USERS['edge-01']}`,
        ].join('\n'),
        join(dir, 'pin.yaml'),
      ).uplink.mqtt!;
    const { certs } = ioc;
    const cases = [
      {
        tls: { ca: ioc.otherCa, cert: certs.clientCert, key: certs.clientKey },
        error: /SELF_SIGNED_CERT_IN_CHAIN/,
      },
      { tls: { ca: certs.ca }, error: /CERTIFICATE_REQUIRED/ },
    ];
    for (const c of cases) {
      const link = new MqttLink({
        cfg: mqttCfg(c.tls),
        topics: new Topics(PREFIX),
        clientId: 'pin-test',
        log,
        backoffInitialMs: 100,
        backoffMaxMs: 200,
      });
      let ups = 0;
      link.on('up', () => ups++);
      link.start();
      try {
        await waitUntil('a refused attempt', async () => link.lastError !== undefined);
        expect(link.lastError).toMatch(c.error);
        expect(ups).toBe(0);
      } finally {
        await link.stop();
      }
    }
  });
});
