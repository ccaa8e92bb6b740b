import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfigFile } from '../../src/config/load.js';
import { scrubberForConfig } from '../../src/config/secrets.js';
import { createLogger } from '../../src/log/logger.js';
import { expectationsFor, unmet } from '../../src/pipeline/config-apply.js';
import { Gateway } from '../../src/pipeline/gateway.js';
import { type ApplyOutcome, GatewayRunner } from '../../src/pipeline/runner.js';
import { freePort, removeDir, tempDir, waitUntil } from '../support/process.js';
import { type RtspCamera, startRtspCamera } from '../support/rtsp-camera.js';

/** A config with one RTSP camera at `url` and `extra` lines; no detector, broker or API (not needed here). */
function yaml(dir: string, url: string, extra = ''): string {
  return [
    'node: { id: edge-apply, site: test }',
    `dataDir: ${dir}/data`,
    'cameras:',
    '  - id: cam1',
    `    url: ${url}`,
    '    detect: { enabled: false }',
    extra,
    'mqtt: { broker: { embedded: false } }',
    'api: { enabled: false }',
    '',
  ].join('\n');
}

describe('GatewayRunner: config apply with rollback', () => {
  let cam: RtspCamera;
  let dir: string;
  let file: string;
  let runner: GatewayRunner;
  const outcomes: ApplyOutcome[] = [];

  beforeAll(async () => {
    cam = await startRtspCamera();
    dir = tempDir('apply');
    file = join(dir, 'config.yaml');
    writeFileSync(file, yaml(dir, cam.url));
    const cfg = loadConfigFile(file);
    const log = createLogger({ level: 'silent' });
    runner = new GatewayRunner(cfg, {
      log,
      build: (c, control) => new Gateway(c, log, scrubberForConfig(c), control),
      readyTimeoutMs: 8000,
    });
    runner.onApplied((o) => outcomes.push(o));
    await runner.start();
    await waitUntil('camera streaming', async () => streaming(), { timeoutMs: 20_000 });
  });
  afterAll(async () => {
    await runner?.stop();
    await cam?.stop();
    if (dir) removeDir(dir);
  });

  const streaming = () =>
    (runner as unknown as { gateway: Gateway }).gateway.readiness().cameras.cam1 === 'streaming';

  it('refuses an invalid config with every problem and its path, and changes nothing', async () => {
    const before = readFileSync(file, 'utf8');
    const bad = yaml(dir, cam.url, '    lines: [{ id: main, points: [[0, 0.5]] }]').replace(
      'edge-apply',
      'Edge Apply',
    );
    const out = await runner.apply(bad, 'test');
    expect(out.status).toBe('invalid');
    const paths = out.status === 'invalid' ? out.problems.map((p) => p.path) : [];
    expect(paths).toEqual(expect.arrayContaining(['node.id', 'cameras[0].lines[0].points']));
    expect(readFileSync(file, 'utf8')).toBe(before);
    expect(streaming()).toBe(true);
  });

  it('applies a valid config: the gateway restarts on it and the file is replaced, the old one kept', async () => {
    const before = readFileSync(file, 'utf8');
    const next = yaml(dir, cam.url, '    lines: [{ id: main, points: [[0, 0.5], [1, 0.5]] }]');
    const out = await runner.apply(next, 'test');
    expect(out.status).toBe('applied');
    expect(runner.config.cameras[0]!.lines.map((l) => l.id)).toEqual(['main']);
    expect(readFileSync(file, 'utf8')).toBe(next);
    expect(readFileSync(`${file}.previous`, 'utf8')).toBe(before);
    expect(existsSync(`${file}.new`)).toBe(false);
    expect(streaming()).toBe(true);
  });

  it('rolls back a config whose camera does not come up, and says why', async () => {
    const before = readFileSync(file, 'utf8');
    const broken = yaml(dir, cam.url.replace(/\/[^/]+$/, '/nowhere'));
    const out = await runner.apply(broken, 'test');
    expect(out.status).toBe('rolled_back');
    expect(out.status === 'rolled_back' && out.failures.join('\n')).toMatch(
      /camera cam1 is \w+, not streaming/,
    );
    expect(readFileSync(file, 'utf8')).toBe(before);
    expect(runner.config.cameras[0]!.url).toBe(cam.url);
    await waitUntil('camera streaming again', async () => streaming(), { timeoutMs: 20_000 });
    expect(outcomes.map((o) => o.status)).toEqual(['invalid', 'applied', 'rolled_back']);
  });

  it('refuses a config that moves the data directory while it runs, and changes nothing', async () => {
    const before = readFileSync(file, 'utf8');
    const out = await runner.apply(yaml(dir, cam.url).replace(`${dir}/data`, `${dir}/elsewhere`), 'test');
    expect(out.status).toBe('invalid');
    const problems = out.status === 'invalid' ? out.problems : [];
    expect(problems.map((p) => p.path)).toEqual(['dataDir', 'store.path']);
    expect(problems[0]!.message).toContain(
      `${dir}/data → ${dir}/elsewhere: cannot change while the gateway runs`,
    );
    expect(readFileSync(file, 'utf8')).toBe(before);
    expect(runner.config.dataDir).toBe(`${dir}/data`);
    expect(existsSync(`${dir}/elsewhere`)).toBe(false);
    expect(streaming()).toBe(true);
  });
});

describe('expectationsFor', () => {
  const cfgWith = (cams: { id: string; url: string; enabled?: boolean }[]) =>
    ({
      cameras: cams.map((c) => ({ transport: 'tcp', hwaccel: 'none', enabled: true, ...c })),
      influx: {},
    }) as never;

  it('holds new, changed and previously streaming cameras to streaming, not ones already down', () => {
    const prev = cfgWith([
      { id: 'up', url: 'rtsp://a/1' },
      { id: 'down', url: 'rtsp://a/2' },
      { id: 'moved', url: 'rtsp://a/3' },
    ]);
    const next = cfgWith([
      { id: 'up', url: 'rtsp://a/1' },
      { id: 'down', url: 'rtsp://a/2' },
      { id: 'moved', url: 'rtsp://b/3' },
      { id: 'new', url: 'rtsp://a/4' },
      { id: 'off', url: 'rtsp://a/5', enabled: false },
    ]);
    const e = expectationsFor(prev, next, {
      cameras: { up: 'streaming', down: 'backoff', moved: 'backoff' },
    });
    expect(e.cameras).toEqual(['up', 'moved', 'new']);
    expect(unmet(e, { cameras: { up: 'streaming', moved: 'not_found', new: 'streaming' } })).toEqual([
      'camera moved is not_found, not streaming',
    ]);
  });
});

describe('GatewayRunner: the previous config does not start again after a failed apply', () => {
  it('says so and hands the error to onFatal (the process exits for its service manager)', async () => {
    const dir = tempDir('apply-fatal');
    const brokerPort = await freePort();
    const file = join(dir, 'config.yaml');
    const base = [
      'node: { id: edge-apply, site: test }',
      `dataDir: ${dir}/data`,
      'api: { enabled: false }',
      '',
    ];
    writeFileSync(
      file,
      [...base, `mqtt: { broker: { embedded: true, port: ${brokerPort} } }`, ''].join('\n'),
    );
    const log = createLogger({ level: 'silent' });
    const fatal: unknown[] = [];
    const runner = new GatewayRunner(loadConfigFile(file), {
      log,
      build: (c, control) => new Gateway(c, log, scrubberForConfig(c), control),
      readyTimeoutMs: 3000,
      onFatal: (err) => fatal.push(err),
    });
    let holder: Server | undefined;
    try {
      await runner.start();
      // A camera that never comes up, and no broker: the old gateway's broker port is free while it is tried.
      const next = [
        ...base,
        'mqtt: { broker: { embedded: false } }',
        'cameras:',
        `  - { id: cam1, url: "rtsp://127.0.0.1:${await freePort()}/x", detect: { enabled: false } }`,
        '',
      ].join('\n');
      const applying = runner.apply(next, 'test');
      applying.catch(() => {});
      // Something else takes the broker's port meanwhile: the previous config cannot listen on it again.
      await waitUntil(
        'the broker port free',
        () =>
          new Promise<boolean>((resolve) => {
            const srv = createServer();
            srv.once('error', () => resolve(false));
            srv.listen(brokerPort, '127.0.0.1', () => {
              holder = srv;
              resolve(true);
            });
          }),
        { timeoutMs: 10_000, intervalMs: 50 },
      );
      await expect(applying).rejects.toThrow(/EADDRINUSE|in use/);
      expect(fatal).toHaveLength(1);
      expect(String((fatal[0] as Error).message)).toMatch(/EADDRINUSE|in use/);
      // The file on disk is still the previous config, which a restart will run.
      expect(readFileSync(file, 'utf8')).toContain(`port: ${brokerPort}`);
    } finally {
      holder?.close();
      await runner.stop();
      removeDir(dir);
    }
  }, 30_000);
});
