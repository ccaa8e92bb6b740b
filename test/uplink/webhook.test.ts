import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import https from 'node:https';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import type { AlertMessage, AlertSignal } from '../../src/alerts/alert.js';
import { AlertsService } from '../../src/alerts/service.js';
import { parseConfigText } from '../../src/config/load.js';
import { SecretScrubber } from '../../src/log/redact.js';
import { Store } from '../../src/store/store.js';
import { UplinkService } from '../../src/uplink/service.js';
import { freePort, removeDir, tempDir, waitUntil } from '../support/process.js';
import { makeCerts } from '../support/tls.js';
import { assertValid } from '../support/uplink-schemas.js';

const dir = tempDir('webhook');
afterAll(() => removeDir(dir));
const certs = makeCerts(dir);
const log = pino({ level: process.env.TEST_LOG ?? 'silent' });
const SECRET = 'whsec-9f8e7d6c5b4a';
const TOKEN = 'dispatch-token-123';

interface Hit {
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** A dispatch system's HTTPS endpoint; `answer` decides the status (and body) per request. */
function receiver(
  port: number,
  answer: (hit: Hit, n: number) => [number, string, Record<string, string>?] = () => [200, 'ok'],
) {
  const hits: Hit[] = [];
  const server = https.createServer(
    { cert: readFileSync(certs.serverCert), key: readFileSync(certs.serverKey) },
    (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const hit = { headers: req.headers, body: Buffer.concat(chunks) };
        hits.push(hit);
        const [status, text, headers] = answer(hit, hits.length);
        res.writeHead(status, { 'content-type': 'text/plain', ...headers }).end(text);
      });
    },
  );
  const listening = new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
  return {
    hits,
    listening,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

/** What a receiver does to trust a POST: recompute the HMAC over timestamp + "." + body. */
function verify(hit: Hit): boolean {
  const ts = String(hit.headers['x-ioc-timestamp']);
  const expected = `sha256=${createHmac('sha256', SECRET).update(`${ts}.`).update(hit.body).digest('hex')}`;
  return hit.headers['x-ioc-signature'] === expected && Math.abs(Date.now() / 1000 - Number(ts)) < 300;
}

async function gatewayParts(port: number, name: string) {
  const cfg = parseConfigText(
    [
      'node: { id: edge-01, site: binh-duong }',
      `dataDir: ${dir}/${name}`,
      'uplink:',
      `  webhook: { url: "https://127.0.0.1:${port}/alerts", secret: "\${WEBHOOK_SECRET}", token: ${TOKEN}, ca: ${certs.ca}, timeout: 2s }`,
      'alerts: { cooldown: 100ms, updateInterval: 0s }',
    ].join('\n'),
    join(dir, `${name}.yaml`),
    { env: { WEBHOOK_SECRET: SECRET } },
  );
  const store = new Store(cfg.store.path);
  const alerts = new AlertsService({
    ...cfg,
    store,
    log,
    evidenceTopic: (id) => `ioc/binh-duong/edge-01/evidence/${id}`,
  });
  const uplink = new UplinkService({
    ...cfg,
    outbox: alerts.outbox,
    alerts: alerts.manager,
    health: {},
    scrubber: new SecretScrubber(),
    log,
    backoffInitialMs: 100,
    backoffMaxMs: 400,
  });
  await alerts.start();
  await uplink.start();
  return {
    alerts,
    uplink,
    stop: async () => {
      await uplink.stop();
      await alerts.stop();
      store.close();
    },
  };
}

const raise = (ref: string, zone = 'shoulder'): AlertSignal => ({
  state: 'raise',
  source: { kind: 'camera', id: 'cam1' },
  type: 'stopped_vehicle',
  zone,
  severity: 'high',
  timeMs: Date.now(),
  ref,
  evidenceExpected: true,
});

describe('HTTPS webhook to a dispatch system', () => {
  it('POSTs each alert message as signed JSON and its picture as signed image/jpeg', async () => {
    const port = await freePort();
    const rx = receiver(port);
    await rx.listening;
    const gw = await gatewayParts(port, 'signed');
    try {
      gw.alerts.manager.signal(raise('i1'));
      const jpeg = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 16, 74, 70, 73, 70]);
      gw.alerts.incidentEvidence('i1', jpeg);
      gw.alerts.manager.signal({ ...raise('i1'), state: 'clear' });
      await waitUntil('new, picture and end delivered', async () => rx.hits.length === 3);
      const [first, pic, end] = rx.hits;
      for (const hit of rx.hits) {
        expect(verify(hit)).toBe(true);
        expect(hit.headers.authorization).toBe(`Bearer ${TOKEN}`);
        expect(hit.headers['x-ioc-delivery']).toMatch(/^edge-01-\d+$/);
      }
      expect(first!.headers['content-type']).toBe('application/json');
      const msg = JSON.parse(first!.body.toString()) as AlertMessage;
      assertValid('alert', msg);
      expect(msg).toMatchObject({ state: 'new', type: 'stopped_vehicle' });
      expect(first!.headers['x-ioc-alert-id']).toBe(msg.id);
      expect(pic!.headers['content-type']).toBe('image/jpeg');
      expect(pic!.headers['x-ioc-alert-id']).toBe(msg.id);
      expect(pic!.body.equals(jpeg)).toBe(true);
      expect(JSON.parse(end!.body.toString())).toMatchObject({ id: msg.id, state: 'end', seq: 2 });
      // A tampered body does not verify.
      expect(verify({ ...first!, body: Buffer.concat([first!.body, Buffer.from(' ')]) })).toBe(false);
      // The receiver has the last POST before the box has its answer: the row goes a moment later.
      await waitUntil('outbox empty', async () => gw.alerts.outbox.depth === 0);
    } finally {
      await gw.stop();
      await rx.close();
    }
  });

  it('receiver down, then up: every message delivered once, in order', async () => {
    const port = await freePort();
    const gw = await gatewayParts(port, 'down-up');
    let rx: ReturnType<typeof receiver> | undefined;
    try {
      for (let i = 0; i < 5; i++) gw.alerts.manager.signal(raise(`r${i}`, `zone-${i}`));
      await waitUntil('delivery failing', async () => gw.uplink.webhook!.lastError !== undefined);
      expect(gw.alerts.outbox.depth).toBe(5);
      rx = receiver(port);
      await rx.listening;
      await waitUntil('all delivered', async () => gw.alerts.outbox.depth === 0, { timeoutMs: 20_000 });
      const deliveries = rx.hits.map((h) => h.headers['x-ioc-delivery']);
      expect(new Set(deliveries).size).toBe(deliveries.length);
      const zones = rx.hits.map((h) => (JSON.parse(h.body.toString()) as AlertMessage).zone);
      expect(zones).toEqual(['zone-0', 'zone-1', 'zone-2', 'zone-3', 'zone-4']);
      expect(rx.hits.every(verify)).toBe(true);
    } finally {
      await gw.stop();
      await rx?.close();
    }
  });

  it("dead-letters a receiver's 4xx with its answer; retries 503 after its Retry-After", async () => {
    const port = await freePort();
    const rx = receiver(port, (hit, n) => {
      if (n === 1) return [503, 'maintenance', { 'retry-after': '1' }];
      const m = JSON.parse(hit.body.toString()) as AlertMessage;
      return m.zone === 'unknown-zone'
        ? [422, 'zone unknown-zone is not mapped to a patrol sector']
        : [201, 'created'];
    });
    await rx.listening;
    const gw = await gatewayParts(port, 'refused');
    try {
      gw.alerts.manager.signal(raise('a', 'lane-1'));
      gw.alerts.manager.signal(raise('b', 'unknown-zone'));
      gw.alerts.manager.signal(raise('c', 'lane-2'));
      await waitUntil('outbox empty', async () => gw.alerts.outbox.depth === 0, { timeoutMs: 20_000 });
      const times = rx.hits.map((h) => Number(h.headers['x-ioc-timestamp']));
      expect(times[1]! - times[0]!).toBeGreaterThanOrEqual(1); // waited for Retry-After
      expect(rx.hits.map((h) => (JSON.parse(h.body.toString()) as AlertMessage).zone)).toEqual([
        'lane-1',
        'lane-1',
        'unknown-zone',
        'lane-2',
      ]);
      const stats = gw.alerts.outbox.stats();
      expect(stats.deadLettered).toBe(1);
      expect(gw.alerts.outbox.deadLetters()[0]).toMatchObject({
        sink: 'webhook',
        status: 422,
        answer: 'zone unknown-zone is not mapped to a patrol sector',
      });
    } finally {
      await gw.stop();
      await rx.close();
    }
  });
});
