import { execFile, execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, statSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import {
  freePort,
  type RestartableServer,
  requireBinary,
  restartable,
  startProcess,
  waitUntil,
} from './process.js';

const run = promisify(execFile);
const HERE = dirname(fileURLToPath(import.meta.url));
const SERVER_SCRIPT = join(HERE, 'rtsp-server.py');
/** Debian's python: the `python3` first on PATH may lack gi. */
const PYTHON = '/usr/bin/python3';

export const MEDIA_DIR = resolve(HERE, '../../media');

export type RtspSize = 'source' | '720p' | '1080p' | { width: number; height: number };

export interface RtspCameraOptions {
  /** Clip to serve (default media/uk_motorway_heavy_rain.mp4, 640x360 25 fps, 20 s). */
  clip?: string;
  /** Mount path, e.g. "/cam" (default) or "/Streaming/Channels/101". */
  mount?: string;
  /** Basic auth; clients without these credentials get 401. */
  user?: string;
  password?: string;
  /** Re-encode to this size (the bench serves 1080p/720p); default: the clip's own size. */
  size?: RtspSize;
  /** Output frame rate (default 25). */
  fps?: number;
  /** All sessions share one feeder and pipeline (many cameras on one server, for benchmarks). */
  shared?: boolean;
  port?: number;
}

/**
 * A looping RTSP camera. `stop` and `kill` (a camera losing power) take its per-session ffmpeg feeders
 * with it; `restart` brings it back at the same URL.
 */
export interface RtspCamera extends RestartableServer {
  /** URL with credentials when the server has them. */
  url: string;
  /** URL without credentials. */
  bareUrl: string;
  port: number;
  mount: string;
  /** The prepared clip the server loops (H.264, no B-frames, 1 s GOP). */
  clip: string;
}

let gstChecked = false;

/** Clear error when Debian's python has no GStreamer RTSP server bindings. */
export function requireGstRtspServer(): void {
  if (gstChecked) return;
  if (!existsSync(PYTHON)) throw new Error(`${PYTHON} not found: install Debian package python3`);
  try {
    execFileSync(PYTHON, [
      '-c',
      "import gi; gi.require_version('Gst', '1.0'); gi.require_version('GstRtspServer', '1.0'); from gi.repository import GstRtspServer",
    ]);
  } catch (err) {
    throw new Error(
      `GStreamer RTSP server bindings missing for ${PYTHON}: install Debian packages python3-gi ` +
        `gir1.2-gst-rtsp-server-1.0 gstreamer1.0-plugins-good gstreamer1.0-plugins-bad ` +
        `(scripts/bootstrap.sh)\n${(err as { stderr?: Buffer }).stderr?.toString() ?? ''}`,
    );
  }
  gstChecked = true;
}

function sizeArgs(size: RtspSize | undefined): { filter: string[]; bitrate: string[] } {
  if (!size || size === 'source') return { filter: [], bitrate: ['-crf', '23'] };
  const { width, height } =
    size === '1080p' ? { width: 1920, height: 1080 } : size === '720p' ? { width: 1280, height: 720 } : size;
  const kbps = Math.round((width * height * 2) / 1000); // ~4 Mb/s at 1080p: a typical camera main stream
  return {
    filter: ['-vf', `scale=${width}:${height}:flags=bicubic,setsar=1`],
    bitrate: ['-b:v', `${kbps}k`, '-maxrate', `${kbps}k`, '-bufsize', `${kbps * 2}k`],
  };
}

/**
 * Re-encodes a clip once into what a camera sends (H.264 main, no B-frames, 1 s GOP, fixed fps, no audio)
 * and caches it under the OS temp dir, keyed by clip and options.
 */
export function prepareClip(clip: string, size?: RtspSize, fps = 25): Promise<string> {
  // Cameras started together share one encode (and one temp file name) instead of racing for it.
  const key = JSON.stringify([resolve(clip), size ?? 'source', fps]);
  let pending = preparing.get(key);
  if (!pending) {
    pending = encodeClip(clip, size, fps).finally(() => preparing.delete(key));
    preparing.set(key, pending);
  }
  return pending;
}

const preparing = new Map<string, Promise<string>>();

async function encodeClip(clip: string, size: RtspSize | undefined, fps: number): Promise<string> {
  const st = statSync(clip);
  const key = createHash('sha1')
    .update(JSON.stringify([resolve(clip), st.size, st.mtimeMs, size ?? 'source', fps]))
    .digest('hex')
    .slice(0, 16);
  const dir = join(tmpdir(), 'ioc-edge-rtsp-cache');
  mkdirSync(dir, { recursive: true });
  const out = join(dir, `${key}.mp4`);
  if (existsSync(out)) return out;
  const ffmpeg = requireBinary('ffmpeg', 'ffmpeg');
  const tmp = `${out}.${process.pid}.tmp.mp4`;
  const { filter, bitrate } = sizeArgs(size);
  await run(ffmpeg, [
    '-hide_banner',
    '-loglevel',
    'error',
    '-y',
    '-i',
    clip,
    '-an',
    ...filter,
    '-r',
    String(fps),
    '-c:v',
    'libx264',
    '-preset',
    'veryfast',
    '-profile:v',
    'main',
    '-pix_fmt',
    'yuv420p',
    '-bf',
    '0',
    '-g',
    String(fps),
    '-keyint_min',
    String(fps),
    '-sc_threshold',
    '0',
    ...bitrate,
    tmp,
  ]);
  renameSync(tmp, out);
  return out;
}

/**
 * Sends an RTSP OPTIONS request and resolves the status code (any answer means an RTSP server is
 * serving), or undefined on no/invalid answer within the timeout.
 */
export function rtspOptions(port: number, path = '/', timeoutMs = 1000): Promise<number | undefined> {
  return new Promise((resolveStatus) => {
    const s = connect(port, '127.0.0.1');
    let buf = '';
    const done = (status: number | undefined) => {
      s.destroy();
      resolveStatus(status);
    };
    s.setTimeout(timeoutMs, () => done(undefined));
    s.once('error', () => done(undefined));
    s.on('connect', () => s.write(`OPTIONS rtsp://127.0.0.1:${port}${path} RTSP/1.0\r\nCSeq: 1\r\n\r\n`));
    s.on('data', (d) => {
      buf += d.toString('latin1');
      const m = /^RTSP\/1\.0 (\d{3})/.exec(buf);
      if (m) done(Number(m[1]));
      else if (buf.length > 64) done(undefined);
    });
  });
}

/** Starts a looping RTSP camera on a free loopback port; ready when it answers RTSP OPTIONS. */
export async function startRtspCamera(options: RtspCameraOptions = {}): Promise<RtspCamera> {
  requireGstRtspServer();
  const ffmpeg = requireBinary('ffmpeg', 'ffmpeg');
  const clip = await prepareClip(
    options.clip ?? join(MEDIA_DIR, 'uk_motorway_heavy_rain.mp4'),
    options.size,
    options.fps ?? 25,
  );
  const port = options.port ?? (await freePort());
  const mount = options.mount ?? '/cam';
  if (!mount.startsWith('/')) throw new Error(`rtsp camera: mount must start with "/", got "${mount}"`);
  const args = [SERVER_SCRIPT, '--port', String(port), '--mount', mount, '--clip', clip, '--ffmpeg', ffmpeg];
  if (options.user !== undefined) args.push('--user', options.user, '--password', options.password ?? '');
  if (options.shared) args.push('--shared');

  const launch = async () => {
    const s = startProcess('rtsp-server', PYTHON, args);
    await waitUntil(
      `RTSP camera on port ${port}`,
      async () => (await rtspOptions(port, mount, 500)) !== undefined,
      { server: s, timeoutMs: 15_000 },
    );
    return s;
  };
  const auth =
    options.user !== undefined
      ? `${encodeURIComponent(options.user)}:${encodeURIComponent(options.password ?? '')}@`
      : '';
  return Object.assign(await restartable(launch), {
    url: `rtsp://${auth}127.0.0.1:${port}${mount}`,
    bareUrl: `rtsp://127.0.0.1:${port}${mount}`,
    port,
    mount,
    clip,
  } satisfies Omit<RtspCamera, keyof RestartableServer>);
}
