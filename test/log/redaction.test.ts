import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/log/logger.js';
import { redactUrl, SecretScrubber } from '../../src/log/redact.js';

function capture() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _enc, cb) {
      lines.push(...chunk.toString().split('\n').filter(Boolean));
      cb();
    },
  });
  return { lines, destination };
}

describe('secret redaction in logs', () => {
  it('scrubs camera passwords wherever a URL appears: message, fields, nested objects, errors', () => {
    const scrubber = new SecretScrubber();
    scrubber.add('S3cr3t!pw', 'tok-abcdef123');
    const { lines, destination } = capture();
    const log = createLogger({ level: 'trace', destination, scrubber });
    const url = 'rtsp://admin:S3cr3t!pw@10.0.0.5:554/stream2';
    log.info(`connecting to ${url}`);
    log.warn({ url, camera: { id: 'cam1', url } }, 'camera');
    log.error({ err: new Error(`ffmpeg: ${url}: 401 Unauthorized`) }, 'failed');
    log.info({ mqtt: { password: 'plain-mqtt-pw' }, token: 'tok-abcdef123' }, 'uplink');
    log.debug({ args: ['-i', 'rtsp://viewer:other-pass@cam/x'] }, 'spawn');
    log.info({ url: 'https://ioc.example/hook?token=tok-abcdef123&x=1' }, 'webhook');
    log.info('percent-encoded: rtsp://admin:S3cr3t%21pw@cam/x');
    const text = lines.join('\n');
    expect(lines).toHaveLength(7);
    for (const secret of ['S3cr3t!pw', 'S3cr3t%21pw', 'plain-mqtt-pw', 'tok-abcdef123', 'other-pass']) {
      expect(text).not.toContain(secret);
    }
    expect(text).toContain('rtsp://admin:***@10.0.0.5:554/stream2');
    expect(text).toContain('10.0.0.5');
    for (const line of lines) expect(() => JSON.parse(line)).not.toThrow();
  });

  it('redactUrl keeps user and host', () => {
    expect(redactUrl('rtsp://user:p@ss@10.0.0.5/s')).toBe('rtsp://user:***@10.0.0.5/s');
    expect(redactUrl('rtsp://10.0.0.5/s')).toBe('rtsp://10.0.0.5/s');
    expect(redactUrl('mqtts://u:pw@broker:8883?password=x')).toBe('mqtts://u:***@broker:8883?password=***');
  });
});
