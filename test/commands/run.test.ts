import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { afterAll, describe, expect, it } from 'vitest';
import { startCli } from '../support/cli.js';
import { freePort, removeDir, tempDir, waitUntil } from '../support/process.js';

const dir = tempDir('run');
afterAll(() => removeDir(dir));

function logLines(output: string): Record<string, unknown>[] {
  return output
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

describe('ioc-edge run', () => {
  it('starts the store, embedded broker and API, hides secrets, and stops cleanly on SIGTERM', async () => {
    const camPort = await freePort(); // nothing listens there: the camera just cannot connect
    const brokerPort = await freePort();
    const secret = 'Cam-P4ss@word';
    const config = join(dir, 'gw.yaml');
    writeFileSync(
      config,
      [
        'node: { id: edge-test, site: test-site }',
        'log: { level: debug }',
        `dataDir: ${dir}/data`,
        'cameras:',
        '  - id: cam1',
        `    url: rtsp://admin:\${CAM1_PASS}@127.0.0.1:${camPort}/stream2`,
        `mqtt: { broker: { embedded: true, port: ${brokerPort}, users: [{ username: ops, password: "\${OPS_PASS}", role: gateway }] } }`,
        'api: { port: 0 }',
        '',
      ].join('\n'),
    );
    const gw = startCli(['run', '--config', config], { CAM1_PASS: secret, OPS_PASS: 'ops-secret' });
    try {
      await waitUntil('gateway running', async () => gw.output().includes('"msg":"running"'), {
        server: gw,
        timeoutMs: 30_000,
      });
      const lines = logLines(gw.output());
      const api = lines.find((l) => l.msg === 'API listening')?.url as string;
      expect(api).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);

      const health = (await (await fetch(`${api}/api/health`)).json()) as Record<string, unknown>;
      expect(health).toMatchObject({ node: 'edge-test', site: 'test-site' });
      const metrics = await (await fetch(`${api}/metrics`)).text();
      expect(metrics).toContain('process_resident_memory_bytes');

      // The embedded broker carries messages (for a gateway-role user: anonymous clients may not subscribe).
      const client = await mqtt.connectAsync(`mqtt://127.0.0.1:${brokerPort}`, {
        username: 'ops',
        password: 'ops-secret',
      });
      const got = new Promise<string>((resolve) => client.on('message', (_t, p) => resolve(p.toString())));
      await client.subscribeAsync('sensors/#');
      await client.publishAsync('sensors/aq1', '{"pm25": 12}');
      expect(await got).toBe('{"pm25": 12}');
      await client.endAsync();

      expect(existsSync(join(dir, 'data', 'ioc-edge.db'))).toBe(true);
      const started = Date.now();
      gw.child.kill('SIGTERM');
      const code = await gw.exited;
      expect(code).toBe(0);
      expect(Date.now() - started).toBeLessThan(10_000);

      const out = gw.output();
      expect(out).not.toContain(secret);
      expect(out).not.toContain(encodeURIComponent(secret));
      expect(out).toContain(`rtsp://admin:***@127.0.0.1:${camPort}/stream2`);
      expect(logLines(out).some((l) => l.msg === 'stopped')).toBe(true);
    } finally {
      await gw.stop();
    }
  });
});
