import { type FailureReason, lastErrorLine, type StreamInfo } from './ffmpeg-log.js';
import { FrameReader } from './frame-reader.js';

export type ProbeResult =
  | { ok: true; info: StreamInfo; firstFrameMs: number }
  | { ok: false; reason: FailureReason; detail?: string };

/** Connects once, waits for the first decoded frame, and says what the stream is or why it failed. */
export async function probeCamera(
  url: string,
  options: { timeoutMs?: number; transport?: 'tcp' | 'udp' } = {},
): Promise<ProbeResult> {
  const reader = new FrameReader({
    cameraId: 'probe',
    url,
    width: 64,
    height: 64,
    transport: options.transport,
    realtime: false,
    loop: false,
    ioTimeoutMs: options.timeoutMs ?? 10_000,
  });
  const started = Date.now();
  const result = await new Promise<ProbeResult>((resolve) => {
    const timer = setTimeout(() => resolve({ ok: false, reason: 'timeout' }), options.timeoutMs ?? 10_000);
    reader.pool.onFrame(() => {
      clearTimeout(timer);
      const info = reader.info;
      resolve(
        info ? { ok: true, info, firstFrameMs: Date.now() - started } : { ok: false, reason: 'no_video' },
      );
    });
    reader.on('exit', (e) => {
      clearTimeout(timer);
      const detail = lastErrorLine(e.stderrTail);
      resolve({ ok: false, reason: e.reason ?? (e.framesOut === 0 ? 'no_video' : 'unknown'), detail });
    });
    reader.start();
  });
  await reader.stop(1000);
  return result;
}

/** What a failure reason means, in the words `probe`, the API and the console use. */
export function describeFailure(reason: FailureReason | 'ended', timeoutS?: number): string {
  const why: Record<FailureReason | 'ended', string> = {
    unauthorized: 'unauthorized (wrong user or password)',
    not_found: 'not found (wrong path or file)',
    unreachable: 'unreachable (nothing answers at that host/port)',
    timeout: timeoutS ? `timeout (no frame within ${timeoutS} s)` : 'timeout (no frame in time)',
    unsupported_codec: 'unsupported codec',
    bad_stream: 'bad stream (data could not be decoded)',
    bad_media: 'corrupt or truncated file',
    bad_config: 'bad URL or options',
    no_video: 'no video stream',
    ended: 'the stream ended',
    unknown: 'failed',
  };
  return why[reason];
}
