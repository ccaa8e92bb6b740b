import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AlertMessage } from '../../src/alerts/alert.js';
import type { HealthMessage } from '../../src/uplink/health.js';
import { startCli } from '../support/cli.js';
import { type IocBroker, IocClient, PREFIX, startIocBroker, USERS, uplinkYaml } from '../support/ioc.js';
import { removeDir, type ServerProcess, tempDir, waitUntil } from '../support/process.js';

const dir = tempDir('gw-uplink');

const apiUrls = new WeakMap<ServerProcess, string>();

/** The API URL from the gateway's log, kept once seen (the output buffer holds only its last 8 kB). */
function apiUrl(gw: ServerProcess): string | undefined {
  const known = apiUrls.get(gw);
  if (known) return known;
  for (const line of gw.output().split('\n')) {
    if (!line.startsWith('{')) continue;
    const l = JSON.parse(line) as { msg?: string; url?: string };
    if (l.msg === 'API listening' && l.url) {
      apiUrls.set(gw, l.url);
      return l.url;
    }
  }
  return undefined;
}

async function health(
  gw: ServerProcess,
): Promise<{ alerts: { open: number; outbox: { messages: number } } }> {
  return (await (await fetch(`${apiUrl(gw)}/api/health`)).json()) as never;
}

describe('gateway → IOC uplink (ioc-edge run, real Mosquitto with mTLS)', () => {
  let ioc: IocBroker;
  beforeAll(async () => {
    ioc = await startIocBroker(dir);
  });
  afterAll(async () => {
    await ioc?.stop();
    removeDir(dir);
  });

  it('kill -9 with alerts in the outbox: they arrive after the restart; LWT offline after a kill, online after restart', async () => {
    const config = join(dir, 'gw.yaml');
    writeFileSync(
      config,
      [
        'node: { id: edge-01, site: binh-duong, name: "QL13 km 12" }',
        `dataDir: ${dir}/data`,
        'mqtt: { broker: { embedded: false } }',
        'api: { port: 0 }',
        'cameras:',
        // Nothing there: the camera never streams, so it raises camera_down.
        '  - { id: gate, name: "Cổng KCN", url: "file:///nonexistent/gate.mp4", detect: { enabled: false } }',
        uplinkYaml(ioc, ['    keepalive: 5s']),
        '  heartbeat: 1s',
        // No disk here has 1000 TB free: disk_low is raised at start.
        'alerts: { cameraDownAfter: 1s, cooldown: 60s, diskMinFree: 1000TB }',
        '',
      ].join('\n'),
    );
    const env = { IOC_PASS: USERS['edge-01'] };
    const iocClient = await IocClient.connect(ioc);
    let gw: ServerProcess | undefined;
    try {
      // 1. The IOC is away: the alerts wait in the outbox. kill -9 the gateway there.
      await ioc.broker.pause();
      gw = startCli(['run', '--config', config], env);
      await waitUntil('gateway running', async () => gw!.output().includes('"msg":"running"'), {
        server: gw,
        timeoutMs: 60_000,
      });
      await waitUntil(
        'two alerts in the outbox',
        async () => (await health(gw!)).alerts.outbox.messages >= 2,
        { timeoutMs: 20_000 },
      );
      await gw.kill();
      const db = new Database(join(dir, 'data', 'ioc-edge.db'), { readonly: true });
      const pending = (
        db
          .prepare("SELECT payload FROM alert_outbox WHERE sink = 'mqtt' AND kind = 'alert' ORDER BY seq")
          .all() as {
          payload: Buffer;
        }[]
      ).map((r) => JSON.parse(r.payload.toString()) as AlertMessage);
      db.close();
      expect(pending.map((m) => [m.type, m.state]).sort()).toEqual([
        ['camera_down', 'new'],
        ['disk_low', 'new'],
      ]);

      // 2. The IOC is back, then the gateway: every message of the outbox arrives, the alerts continue with their ids.
      await ioc.broker.restart();
      gw = startCli(['run', '--config', config], env);
      await waitUntil('API listening', async () => apiUrl(gw!) !== undefined, {
        server: gw,
        timeoutMs: 60_000,
      });
      await waitUntil('status online', async () => iocClient.status() === 'online', {
        server: gw,
        timeoutMs: 60_000,
      });
      await waitUntil(
        'the outbox at the IOC, then the alerts continued',
        async () => iocClient.alerts().filter((a) => a.state === 'update').length >= 2,
        { timeoutMs: 30_000 },
      );
      const got = iocClient.alerts();
      for (const m of pending) expect(got.map((g) => JSON.stringify(g))).toContain(JSON.stringify(m));
      const down = got.filter((a) => a.type === 'camera_down');
      expect(new Set(down.map((a) => a.id)).size).toBe(1);
      expect(down.map((a) => [a.state, a.seq])).toEqual([
        ['new', 1],
        ['update', 2],
      ]);
      expect(down[0]).toMatchObject({
        source: { kind: 'camera', id: 'gate', name: 'Cổng KCN' },
        title: { vi: 'Camera mất tín hiệu — camera Cổng KCN', en: 'Camera down — camera Cổng KCN' },
      });
      const disk = got.filter((a) => a.type === 'disk_low');
      expect(new Set(disk.map((a) => a.id)).size).toBe(1);
      expect(disk[0]).toMatchObject({
        source: { kind: 'node', id: 'edge-01' },
        severity: 'high',
        title: { vi: 'Ổ đĩa sắp đầy — trạm biên QL13 km 12' },
      });

      const metrics = await (await fetch(`${apiUrl(gw)}/metrics`)).text();
      expect(metrics).toMatch(/ioc_uplink_connected\{[^}]*\} 1/);
      expect(metrics).toMatch(/ioc_alerts_open\{[^}]*\} 2/);
      expect(metrics).toMatch(/ioc_alert_messages_total\{[^}]*state="update"[^}]*\} [1-9]/);

      // Health every heartbeat, retained, with the camera's state and the outbox.
      const lastHealth = () =>
        iocClient.received.filter((r) => r.topic === `${PREFIX}/health`).at(-1)?.value as
          | HealthMessage
          | undefined;
      await waitUntil(
        'health with the camera running',
        async () => !['idle', undefined].includes(lastHealth()?.cameras.gate?.state),
      );
      const h = lastHealth()!;
      expect(h).toMatchObject({ node: 'edge-01', site: 'binh-duong', name: 'QL13 km 12', version: '0.1.0' });
      expect(h.cameras.gate?.state).toMatch(/not_found|bad_config|backoff|connecting/);
      expect(h.process.rssBytes).toBeGreaterThan(10_000_000);
      expect(h.disk?.totalBytes).toBeGreaterThan(0);

      // 3. LWT: kill -9 while connected: the broker publishes the retained `offline`; a restart says `online`.
      await gw.kill();
      await waitUntil('status offline (last will)', async () => iocClient.status() === 'offline', {
        timeoutMs: 30_000,
      });
      gw = startCli(['run', '--config', config], env);
      await waitUntil('status online again', async () => iocClient.status() === 'online', {
        server: gw,
        timeoutMs: 60_000,
      });
      // A fresh subscriber reads the retained status.
      const late = await IocClient.connect(ioc, 'ioc-late');
      await waitUntil('retained status', async () => late.status() === 'online');
      await late.end();
      expect(iocClient.invalid).toEqual([]);
      // Graceful stop: `offline` published by the gateway itself.
      gw.child.kill('SIGTERM');
      expect(await gw.exited).toBe(0);
      await waitUntil('status offline after stop', async () => iocClient.status() === 'offline');
      expect(gw.output()).not.toContain(USERS['edge-01']);
    } finally {
      await gw?.stop();
      await iocClient.end();
    }
  }, 240_000);
});
