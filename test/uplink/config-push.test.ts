import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CommandReply } from '../../src/uplink/control.js';
import { startCli } from '../support/cli.js';
import { type IocBroker, IocClient, PREFIX, startIocBroker, USERS, uplinkYaml } from '../support/ioc.js';
import { removeDir, type ServerProcess, tempDir, waitUntil } from '../support/process.js';
import { MEDIA } from '../support/vision.js';

const dir = tempDir('config-push');
const CLIP = pathToFileURL(join(MEDIA, 'intersection_cctv_pedestrians.mp4')).href;

describe('push-config from the IOC to `ioc-edge run` (the runner applies it, with rollback)', () => {
  let ioc: IocBroker;
  let iocClient: IocClient;
  let gw: ServerProcess;
  const file = join(dir, 'gw.yaml');
  const configText = (url: string, name: string, nodeId = 'edge-01') =>
    [
      `node: { id: ${nodeId}, site: binh-duong }`,
      `dataDir: ${dir}/data`,
      'mqtt: { broker: { embedded: false } }',
      'api: { port: 0 }',
      'cameras:',
      `  - { id: junction, name: "${name}", url: "${url}", detect: { enabled: false } }`,
      uplinkYaml(ioc),
      '',
    ].join('\n');

  beforeAll(async () => {
    ioc = await startIocBroker(dir);
    iocClient = await IocClient.connect(ioc);
    writeFileSync(file, configText(CLIP, 'Ngã tư'));
    gw = startCli(['run', '--config', file], { IOC_PASS: USERS['edge-01'] });
    await waitUntil('status online', async () => iocClient.status() === 'online', {
      server: gw,
      timeoutMs: 60_000,
    });
  });
  afterAll(async () => {
    await gw?.stop();
    await iocClient?.end();
    await ioc?.stop();
    removeDir(dir);
  });

  let n = 0;
  async function push(yaml: string, timeoutMs = 30_000): Promise<CommandReply> {
    const id = `push-${++n}`;
    await iocClient.client.publishAsync(`${PREFIX}/cmd/push-config`, JSON.stringify({ id, yaml }), {
      qos: 1,
    });
    let reply: CommandReply | undefined;
    await waitUntil(
      `reply to ${id}`,
      async () => {
        reply = iocClient.received
          .filter((r) => r.topic === `${PREFIX}/cmd/push-config/reply`)
          .map((r) => r.value as CommandReply)
          .find((r) => r.id === id);
        return reply !== undefined;
      },
      { server: gw, timeoutMs },
    );
    return reply!;
  }

  it('refuses an invalid config with every problem and its path; the gateway keeps running', async () => {
    const bad = configText('http://10.0.0.5/video', 'x').replace(
      'detect: { enabled: false }',
      'detect: { fps: "fast" }',
    );
    const r = await push(bad);
    expect(r).toMatchObject({ ok: false, error: 'invalid config', command: 'push-config' });
    expect(r.problems).toEqual(
      expect.arrayContaining([
        {
          path: 'cameras[0].url',
          message: 'unsupported URL scheme "http", expected one of rtsp, rtsps, file',
        },
        { path: 'cameras[0].detect.fps', message: 'expected a number, got the string "fast"' },
      ]),
    );
    const renamed = await push(configText(CLIP, 'x', 'edge-99'));
    expect(renamed).toMatchObject({ ok: false, problems: [{ path: 'node' }] });
    expect(readFileSync(file, 'utf8')).toBe(configText(CLIP, 'Ngã tư'));
  });

  it('applies a valid config: the gateway restarts on it and its new uplink answers', async () => {
    const statusesBefore = iocClient.received.filter((r) => r.topic === `${PREFIX}/status`).length;
    const r = await push(configText(CLIP, 'Ngã tư Phú Hòa'), 60_000);
    expect(r).toMatchObject({ ok: true, result: { applied: true } });
    expect(readFileSync(file, 'utf8')).toContain('Ngã tư Phú Hòa');
    expect(existsSync(`${file}.previous`)).toBe(true);
    // The box went away and came back on the new config.
    const statuses = iocClient.received.filter((r) => r.topic === `${PREFIX}/status`).slice(statusesBefore);
    expect(statuses.map((s) => s.value)).toEqual(['offline', 'online']);
    expect(iocClient.invalid).toEqual([]);
  });

  it('rolls back a config whose camera does not come up, and says why', async () => {
    const r = await push(configText('file:///nonexistent/junction.mp4', 'broken'), 120_000);
    expect(r).toMatchObject({ ok: false, error: 'config not healthy; previous config restored' });
    expect(r.problems?.[0]?.message).toMatch(/camera junction/);
    expect(readFileSync(file, 'utf8')).toContain('Ngã tư Phú Hòa');
    await waitUntil('online again', async () => iocClient.status() === 'online', { server: gw });
  }, 180_000);
});
