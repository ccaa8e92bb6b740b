import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningBox, startBox } from '../support/api-box.js';
import { type ApiHealth, waitForSensors } from '../support/gateway-process.js';
import { freePort, removeDir, tempDir, waitUntil } from '../support/process.js';

const TOKEN = 'console-routes-token';

type Sensor = {
  id: string;
  lastSeen: string | null;
  values: Record<string, number>;
  history: Record<string, [number, number][]>;
};
type Alert = {
  id: string;
  type: string;
  title: { vi: string; en: string };
  source: string;
  endedAt: string | null;
  acknowledgedAt: string | null;
};

/**
 * The sensor and alert routes the console reads, on a real box: a reading published to the embedded
 * broker shows in /api/sensors, a sensor rule it trips shows as an open alert in /api/alerts, and the
 * console's acknowledge reaches the alert.
 */
describe('console routes for sensors and alerts', () => {
  let dir: string;
  let gw: RunningBox;
  let port: number;

  beforeAll(async () => {
    dir = tempDir('console-routes');
    port = await freePort();
    const yaml = [
      'node: { id: edge-console, site: test }',
      `dataDir: ${dir}/data`,
      `mqtt: { broker: { port: ${port} } }`,
      'sensors:',
      `  broker: mqtt://127.0.0.1:${port}`,
      '  devices:',
      '    - id: river-1',
      '      type: water_level',
      '      topic: sensors/river-1/state',
      '      decoder: { type: json, fields: { level: level_cm } }',
      '      metrics: { level: { unit: cm, min: 0, max: 1000 } }',
      '      rules:',
      '        - { metric: level, raise: 300, clear: 250, for: 0, severity: critical }',
      `api: { port: 0, token: ${TOKEN} }`,
      '',
    ].join('\n');
    gw = await startBox(dir, yaml, TOKEN);
  });
  afterAll(async () => {
    await gw?.stop();
    if (dir) removeDir(dir);
  });

  it('shows the last reading and its history, and the alert it raised, which the console can acknowledge', async () => {
    const sensors0 = (await (await gw.call('/api/sensors')).json()) as Sensor[];
    expect(sensors0).toEqual([expect.objectContaining({ id: 'river-1', lastSeen: null, values: {} })]);

    // Until the gateway's first SUBACK a reading has no subscriber and the broker drops it.
    await waitForSensors(async () => (await gw.call('/api/health')).json() as Promise<ApiHealth>);
    // A local sensor publishes anonymously to its own topic (the embedded broker lets loopback clients in).
    const pub = await mqtt.connectAsync(`mqtt://127.0.0.1:${port}`, {
      protocolVersion: 4,
      reconnectPeriod: 0,
    });
    await pub.publishAsync('sensors/river-1/state', JSON.stringify({ level_cm: 321.5 }), { qos: 1 });
    await pub.endAsync();

    let sensors: Sensor[] = [];
    await waitUntil('the reading in /api/sensors', async () => {
      sensors = (await (await gw.call('/api/sensors')).json()) as Sensor[];
      return sensors[0]?.values.level === 321.5;
    });
    expect(sensors[0]!.lastSeen).not.toBeNull();
    expect(sensors[0]!.history.level).toHaveLength(1);

    let open: Alert[] = [];
    await waitUntil('the alert in /api/alerts', async () => {
      open = ((await (await gw.call('/api/alerts')).json()) as { open: Alert[] }).open;
      return open.length === 1;
    });
    const alert = open[0]!;
    expect(alert).toMatchObject({ source: 'river-1', endedAt: null, acknowledgedAt: null });
    expect(alert.title.en.length).toBeGreaterThan(0);
    expect(alert.title.vi).not.toBe(alert.title.en);

    const ack = await gw.call(`/api/alerts/${alert.id}/ack`, { method: 'POST' });
    expect(ack.status).toBe(200);
    expect(((await ack.json()) as Alert).acknowledgedAt).not.toBeNull();
    const after = ((await (await gw.call('/api/alerts')).json()) as { open: Alert[] }).open;
    expect(after[0]!.acknowledgedAt).not.toBeNull();

    const unknown = await gw.call('/api/alerts/nope/ack', { method: 'POST' });
    expect(unknown.status).toBe(404);
    await unknown.arrayBuffer();
  });
});
