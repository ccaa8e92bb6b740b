import { parseArgs } from 'node:util';
import { describeFailure, probeCamera } from '../camera/probe.js';
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
  const detail = r.detail ? `\n  ffmpeg: ${redactUrl(r.detail)}` : '';
  process.stdout.write(`FAIL ${shown}: ${describeFailure(r.reason, timeoutS)}${detail}\n`);
  return 1;
}
