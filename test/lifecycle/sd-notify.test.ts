import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SystemdNotifier } from '../../src/lifecycle/sd-notify.js';
import { createLogger } from '../../src/log/logger.js';
import { startCli } from '../support/cli.js';
import { removeDir, tempDir, waitUntil } from '../support/process.js';

interface DgramSocket {
  bind(path: string): void;
  on(event: 'message', cb: (buf: Buffer) => void): void;
  close(): void;
}
const unix = createRequire(import.meta.url)('unix-dgram') as { createSocket(t: 'unix_dgram'): DgramSocket };

/** A stand-in for systemd's notify socket: a unix datagram socket that records what it receives. */
function notifySocket(path: string) {
  const got: string[] = [];
  const s = unix.createSocket('unix_dgram');
  s.on('message', (b) => got.push(b.toString()));
  s.bind(path);
  return { got, close: () => s.close() };
}

describe('sd_notify', () => {
  let dir: string;
  beforeAll(() => {
    dir = tempDir('sdnotify');
  });
  afterAll(() => removeDir(dir));

  it('feeds the watchdog only while the pipelines are alive', async () => {
    const sock = notifySocket(join(dir, 'unit.sock'));
    const n = new SystemdNotifier(createLogger({ level: 'silent' }), {
      NOTIFY_SOCKET: join(dir, 'unit.sock'),
      WATCHDOG_USEC: '1000000',
    });
    try {
      expect(n.watchdogMs).toBe(500);
      let alive = true;
      n.startWatchdog(() => alive);
      await waitUntil('two pings', async () => sock.got.filter((m) => m === 'WATCHDOG=1').length >= 2, {
        timeoutMs: 3000,
      });
      alive = false;
      const before = sock.got.length;
      await new Promise((r) => setTimeout(r, 1600));
      expect(sock.got.length).toBe(before);
      alive = true;
      await waitUntil('pings again', async () => sock.got.length > before, { timeoutMs: 3000 });
    } finally {
      n.stopping();
      n.close();
      sock.close();
    }
  });

  it('run: READY=1 once running, WATCHDOG=1 while running, STOPPING=1 on SIGTERM (abstract socket too)', async () => {
    const name = `ioc-edge-test-${process.pid}-${Date.now()}`;
    const sock = notifySocket(`\0${name}`);
    const config = join(dir, 'gw.yaml');
    writeFileSync(
      config,
      [
        'node: { id: edge-sd, site: test }',
        `dataDir: ${dir}/data`,
        'mqtt: { broker: { embedded: false } }',
        'api: { port: 0 }',
        '',
      ].join('\n'),
    );
    const gw = startCli(['run', '--config', config], { NOTIFY_SOCKET: `@${name}`, WATCHDOG_USEC: '1000000' });
    try {
      await waitUntil('READY=1', async () => sock.got.some((m) => m.startsWith('READY=1')), {
        server: gw,
        timeoutMs: 30_000,
      });
      expect(sock.got.find((m) => m.startsWith('READY=1'))).toMatch(/^READY=1\nSTATUS=running: 0 cameras$/);
      await waitUntil('watchdog pings', async () => sock.got.filter((m) => m === 'WATCHDOG=1').length >= 3, {
        server: gw,
        timeoutMs: 5000,
      });
      gw.child.kill('SIGTERM');
      expect(await gw.exited).toBe(0);
      expect(sock.got.at(-1)).toBe('STOPPING=1');
    } finally {
      await gw.stop();
      sock.close();
    }
  });
});
