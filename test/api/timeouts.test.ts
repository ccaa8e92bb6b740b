import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningBox, startBox } from '../support/api-box.js';
import { removeDir, tempDir, waitUntil } from '../support/process.js';

describe('API request timeouts', () => {
  let dir: string;
  let gw: RunningBox;
  beforeAll(async () => {
    dir = tempDir('api-timeouts');
    const yaml = [
      'node: { id: edge-slow, site: test }',
      `dataDir: ${dir}/data`,
      'mqtt: { broker: { embedded: false } }',
      'api: { port: 0 }',
      '',
    ].join('\n');
    gw = await startBox(dir, yaml, undefined);
  });
  afterAll(async () => {
    await gw?.stop();
    if (dir) removeDir(dir);
  });

  it('cuts half-sent requests after the header timeout and keeps serving others meanwhile', async () => {
    const port = Number(new URL(gw.base).port);
    const sockets: Socket[] = [];
    let closed = 0;
    for (let i = 0; i < 200; i++) {
      const s = connect(port, '127.0.0.1');
      s.on('error', () => {});
      // Read what the server says (its 408), or the socket never sees the end of the stream.
      s.resume();
      s.on('close', () => closed++);
      s.on('connect', () => s.write('GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: '));
      sockets.push(s);
    }
    try {
      const started = Date.now();
      const ok = await gw.call('/api/health');
      expect(ok.status).toBe(200);
      // Default header timeout 10 s, checked every second: every half-sent request is gone within ~11 s.
      await waitUntil('half-sent requests closed by the server', async () => closed === 200, {
        timeoutMs: 15_000,
      });
      expect(Date.now() - started).toBeGreaterThan(5000);
    } finally {
      for (const s of sockets) s.destroy();
    }
  });
});
