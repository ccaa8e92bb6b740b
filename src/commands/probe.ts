import { parseArgs } from 'node:util';
import type { FailureReason } from '../camera/ffmpeg-log.js';
import { probeCamera } from '../camera/probe.js';
import { redactUrl } from '../log/redact.js';

export async function probeCommand(args: string[]): Promise<number> {
  const { positionals, values } = parseArgs({
    args,
    allowPositionals: true,
    options: { timeout: { type: 'string', short: 't' }, udp: { type: 'boolean' } },
  });
  const url = positionals[0];
  if (!url) {
    process.stderr.write('probe: name the camera URL: ioc-edge probe rtsp://user:pass@host/path\n');
    return 2;
  }
  const timeoutS = Number(values.timeout ?? 10);
  if (!(timeoutS > 0)) {
    process.stderr.write(`probe: --timeout must be a positive number of seconds, got "${values.timeout}"\n`);
    return 2;
  }
  const shown = redactUrl(url);
  const r = await probeCamera(url, { timeoutMs: timeoutS * 1000, transport: values.udp ? 'udp' : 'tcp' });
  if (r.ok) {
    const fps = r.info.fps !== undefined ? `${r.info.fps} fps` : 'fps unknown';
    process.stdout.write(
      `OK ${shown}: ${r.info.codec} ${r.info.width}x${r.info.height} ${fps}, first frame after ${r.firstFrameMs} ms\n`,
    );
    return 0;
  }
  const why: Record<FailureReason | 'no_video', string> = {
    unauthorized: 'unauthorized (wrong user or password)',
    not_found: 'not found (wrong path or file)',
    unreachable: 'unreachable (nothing answers at that host/port)',
    timeout: `timeout (no frame within ${timeoutS} s)`,
    unsupported_codec: 'unsupported codec',
    bad_stream: 'bad stream (data could not be decoded)',
    bad_config: 'bad URL or options',
    no_video: 'no video stream',
    unknown: 'failed',
  };
  const detail = r.detail ? `\n  ffmpeg: ${redactUrl(r.detail)}` : '';
  process.stdout.write(`FAIL ${shown}: ${why[r.reason]}${detail}\n`);
  return 1;
}
