import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import mqtt from 'mqtt';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AlertMessage } from '../../src/alerts/alert.js';
import { AlertsService } from '../../src/alerts/service.js';
import { CameraManager } from '../../src/camera/camera-manager.js';
import { parseConfigText, type ResolvedConfig } from '../../src/config/load.js';
import { scrubberForConfig } from '../../src/config/secrets.js';
import { cameraControl } from '../../src/pipeline/camera-control.js';
import { Store } from '../../src/store/store.js';
import type { CommandReply } from '../../src/uplink/control.js';
import { UplinkService } from '../../src/uplink/service.js';
import { type IocBroker, IocClient, PREFIX, startIocBroker, USERS, uplinkYaml } from '../support/ioc.js';
import { removeDir, tempDir, waitUntil } from '../support/process.js';
import { MEDIA } from '../support/vision.js';

const dir = tempDir('commands');
const log = pino({ level: process.env.TEST_LOG ?? 'silent' });
const CLIP = pathToFileURL(join(MEDIA, 'intersection_cctv_pedestrians.mp4')).href;
const ENV = { IOC_PASS: USERS['edge-01'], INFLUX_PASS: 'Infl-S3cret-77' };

const configText = (camera: string, name = 'Ngã tư') =>
  [
    'node: { id: edge-01, site: binh-duong }',
    `dataDir: ${dir}/data`,
    'cameras:',
    `  - { id: junction, name: "${name}", url: "${camera}", detect: { enabled: false } }`,
    'influx: { url: "http://127.0.0.1:9", database: ioc, username: edge, password: "${INFLUX_PASS}" }',
    uplinkYaml(ioc),
    '',
  ].join('\n');

let ioc: IocBroker;

describe('remote commands from the IOC (real Mosquitto, mTLS, ACL)', () => {
  const file = join(dir, 'gw.yaml');
  let iocClient: IocClient;
  let state: { cfg: ResolvedConfig; cameras: CameraManager };
  let store: Store;
  let alerts: AlertsService;
  let uplink: UplinkService;

  beforeAll(async () => {
    ioc = await startIocBroker(dir);
    // The gateway's environment holds the secrets the config names (a pushed config is read with it too).
    Object.assign(process.env, ENV);
    writeFileSync(file, configText(CLIP));
    const cfg = parseConfigText(readFileSync(file, 'utf8'), file, { env: ENV });
    state = { cfg, cameras: new CameraManager({ cameras: cfg.cameras, dataDir: cfg.dataDir, log }) };
    await state.cameras.start();
    store = new Store(cfg.store.path);
    alerts = new AlertsService({ ...cfg, store, log });
    uplink = new UplinkService({
      ...cfg,
      outbox: alerts.outbox,
      alerts: alerts.manager,
      commands: { cameras: cameraControl(() => state.cameras), config: () => state.cfg },
      health: {},
      scrubber: scrubberForConfig(cfg),
      log,
    });
    await alerts.start();
    await uplink.start();
    iocClient = await IocClient.connect(ioc);
    await waitUntil('online', async () => iocClient.status() === 'online');
    await waitUntil('camera streaming', async () => state.cameras.get('junction')?.state === 'streaming');
  });
  afterAll(async () => {
    await uplink?.stop();
    await alerts?.stop();
    await state?.cameras.stop();
    store?.close();
    await iocClient?.end();
    await ioc?.stop();
    removeDir(dir);
  });

  let n = 0;
  async function command(name: string, body: Record<string, unknown>): Promise<CommandReply> {
    const id = String(body.id ?? `req-${++n}`);
    await iocClient.client.publishAsync(`${PREFIX}/cmd/${name}`, JSON.stringify({ id, ...body }), { qos: 1 });
    let reply: CommandReply | undefined;
    await waitUntil(
      `reply to ${name} ${id}`,
      async () => {
        reply = iocClient.received
          .filter((r) => r.topic === `${PREFIX}/cmd/${name}/reply`)
          .map((r) => r.value as CommandReply)
          .find((r) => r.id === id);
        return reply !== undefined;
      },
      { timeoutMs: 30_000 },
    );
    return reply!;
  }

  it('get-config: the file and the config, secrets masked', async () => {
    const r = await command('get-config', {});
    expect(r).toMatchObject({ ok: true, command: 'get-config', result: { file } });
    const result = r.result as { text: string; config: ResolvedConfig };
    expect(result.text).toBe(readFileSync(file, 'utf8'));
    expect(result.config.influx.password).toBe('***');
    expect(result.config.uplink.mqtt?.password).toBe('***');
    expect(result.config.cameras[0]?.name).toBe('Ngã tư');
    const raw = JSON.stringify(iocClient.received.at(-1)?.value);
    for (const secret of Object.values(ENV)) expect(raw).not.toContain(secret);
  });

  it('snapshot: a JPEG of the camera now', async () => {
    const r = await command('snapshot', { camera: 'junction' });
    expect(r.ok).toBe(true);
    const res = r.result as { jpeg: string; width: number; height: number; contentType: string };
    const jpeg = Buffer.from(res.jpeg, 'base64');
    expect([jpeg[0], jpeg[1]]).toEqual([0xff, 0xd8]);
    expect(res.width).toBeGreaterThan(0);
    expect(res.contentType).toBe('image/jpeg');
    expect(await command('snapshot', { camera: 'nope' })).toMatchObject({
      ok: false,
      error: 'no camera "nope"',
    });
    // Other spellings IOC clients use: snake_case names, requestId, cameraId.
    await iocClient.client.publishAsync(`${PREFIX}/cmd/request_snapshot`, '{}', { qos: 1 });
    await iocClient.client.publishAsync(
      `${PREFIX}/cmd/get_config`,
      JSON.stringify({ requestId: 'rq-77', cameraId: 'x' }),
      { qos: 1 },
    );
    const replyOn = (topic: string) =>
      iocClient.received.find((r) => r.topic === `${PREFIX}/cmd/${topic}/reply`);
    await waitUntil('both replies', async () => !!replyOn('get_config') && !!replyOn('request_snapshot'));
    const alias = replyOn('get_config')!.value;
    expect(alias).toMatchObject({ id: 'rq-77', requestId: 'rq-77', command: 'get-config', ok: false });
    expect((alias as CommandReply).problems).toEqual([{ path: '', message: 'Unrecognized key: "camera"' }]);
    expect((replyOn('request_snapshot')!.value as CommandReply).error).toBe(
      'unknown command "request_snapshot"; known: ack, snapshot, restart-camera, get-config, push-config',
    );
  });

  it('restart-camera: the stream starts again and the reply says streaming', async () => {
    const cam = state.cameras.get('junction')!;
    const restarts = cam.health().ffmpegRestarts;
    const r = await command('restart-camera', { camera: 'junction', waitMs: 20_000 });
    expect(r).toMatchObject({ ok: true, result: { camera: 'junction', state: 'streaming' } });
    expect(cam.ffmpegRestarts).toBeGreaterThan(restarts);
  });

  it('ack: the alert gets an update with who acknowledged it; the same request id twice runs once', async () => {
    alerts.manager.signal({
      state: 'raise',
      source: { kind: 'camera', id: 'junction' },
      type: 'wrong_way',
      zone: 'lane-1',
      severity: 'critical',
      timeMs: Date.now(),
    });
    await waitUntil('alert at the IOC', async () => iocClient.alerts().some((a) => a.type === 'wrong_way'));
    const id = iocClient.alerts().find((a) => a.type === 'wrong_way')!.id;
    const first = await command('ack', { id: 'ack-1', alertId: id, by: 'CSGT Bình Dương — trực ban 2' });
    expect(first).toMatchObject({ ok: true, result: { alertId: id, seq: 2 } });
    const again = await command('ack', { id: 'ack-1', alertId: id, by: 'CSGT Bình Dương — trực ban 2' });
    expect(again).toEqual(first);
    await waitUntil('update at the IOC', async () =>
      iocClient.alerts().some((a) => a.id === id && a.state === 'update'),
    );
    const updates = iocClient.alerts().filter((a: AlertMessage) => a.id === id && a.state === 'update');
    expect(updates).toHaveLength(1);
    expect(updates[0]!.acknowledged?.by).toBe('CSGT Bình Dương — trực ban 2');
    expect(await command('ack', { alertId: 'no-such-alert' })).toMatchObject({
      ok: false,
      error: 'no open alert no-such-alert',
    });
  });

  it('answers on the MQTT 5 response topic with the correlation data; malformed requests get an error', async () => {
    const replyTopic = `${PREFIX}/cmd/get-config/reply/ioc-console-7`;
    const got = new Promise<[Buffer, Buffer | undefined]>((resolve) =>
      iocClient.client.on('message', (topic, payload, packet) => {
        if (topic === replyTopic) resolve([payload, packet.properties?.correlationData]);
      }),
    );
    await iocClient.client.publishAsync(`${PREFIX}/cmd/get-config`, '{}', {
      qos: 1,
      properties: { responseTopic: replyTopic, correlationData: Buffer.from('corr-42') },
    });
    const [payload, corr] = await got;
    expect(corr?.toString()).toBe('corr-42');
    expect(JSON.parse(payload.toString())).toMatchObject({ id: 'corr-42', ok: true });
    // The id cannot be read from a body that is not JSON: the reply has id null.
    await iocClient.client.publishAsync(`${PREFIX}/cmd/snapshot`, 'not json', { qos: 1 });
    await waitUntil('error reply', async () =>
      iocClient.received.some(
        (r) => r.topic === `${PREFIX}/cmd/snapshot/reply` && (r.value as CommandReply).id === null,
      ),
    );
    const bad = iocClient.received.find(
      (r) => r.topic === `${PREFIX}/cmd/snapshot/reply` && (r.value as CommandReply).id === null,
    );
    expect(bad?.value).toMatchObject({ ok: false, command: 'snapshot' });
    expect((bad!.value as CommandReply).error).toMatch(/^request is not JSON: /);
  });

  it('push-config needs the box (the runner): without it the reply says so', async () => {
    const r = await command('push-config', { yaml: readFileSync(file, 'utf8') });
    expect(r).toMatchObject({ ok: false, error: 'push-config is not available on this gateway' });
  });

  it('takes commands only from the authenticated IOC: a client without write access is refused by the broker', async () => {
    const before = uplink.commands.handled;
    const intruder = await mqtt.connectAsync(ioc.broker.url, {
      username: 'intruder',
      password: USERS.intruder,
      protocolVersion: 5,
      ca: readFileSync(ioc.certs.ca),
      cert: readFileSync(ioc.certs.clientCert),
      key: readFileSync(ioc.certs.clientKey),
      reconnectPeriod: 0,
    });
    await intruder
      .publishAsync(`${PREFIX}/cmd/restart-camera`, JSON.stringify({ id: 'evil', camera: 'junction' }), {
        qos: 1,
      })
      .catch(() => {});
    await intruder.endAsync();
    await command('get-config', { id: 'after-intruder' });
    expect(uplink.commands.handled).toBe(before + 1);
  });
});
