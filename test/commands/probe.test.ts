import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { type RtspCamera, startRtspCamera } from '../support/rtsp-camera.js';

describe('ioc-edge probe', () => {
  let server: RtspCamera;

  beforeAll(async () => {
    server = await startRtspCamera({ user: 'admin', password: 'hunter22' });
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('prints codec/resolution/first frame, or a clear reason with exit 1', async () => {
    const ok = await runCli(['probe', server.url, '--timeout', '15']);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(
      /^OK rtsp:\/\/admin:\*\*\*@127\.0\.0\.1:\d+\/cam: h264 640x360 25 fps, first frame after \d+ ms/,
    );
    const bad = await runCli(['probe', server.url.replace('hunter22', 'nope'), '--timeout', '15']);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toMatch(/FAIL .*unauthorized/);
    const missing = await runCli(['probe', server.url.replace('/cam', '/other'), '--timeout', '15']);
    expect(missing.code).toBe(1);
    expect(missing.stdout).toMatch(/FAIL .*not found/);
  });
});
