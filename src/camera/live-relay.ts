import { createRequire } from 'node:module';
import type VideoStream from 'node-rtsp-stream';
import type { Logger } from '../log/logger.js';

const require = createRequire(import.meta.url);

export interface LiveRelayOptions {
  cameraId: string;
  url: string;
  wsPort: number;
  width: number;
  height: number;
  /** Stop this long after the last viewer left (or when nobody connects after start). Default 10 s. */
  idleStopMs?: number;
  fps?: number;
  bitrateKbps?: number;
  /** Viewers must add `?token=<token>` to the WebSocket URL. */
  token?: string;
  /** Accept viewers from other hosts (default: loopback only, like the API's default host). */
  allowRemote?: boolean;
  log?: Logger;
  onStopped?: () => void;
}

/**
 * Live view for technicians: node-rtsp-stream relays the camera as MPEG1 in MPEG-TS over a WebSocket
 * (JSMpeg plays it in the browser). Started on demand; stops itself when the last viewer has left.
 * Its ffmpeg is a second connection to the camera, independent of the detector's.
 */
export class LiveRelay {
  private stream?: VideoStream;
  private idleTimer?: NodeJS.Timeout;
  private stopping?: Promise<void>;
  viewers = 0;

  constructor(readonly opts: LiveRelayOptions) {}

  get running(): boolean {
    return this.stream !== undefined;
  }

  get pid(): number | undefined {
    return this.stream?.stream.pid;
  }

  start(): void {
    if (this.stream) return;
    const o = this.opts;
    const Stream = require('node-rtsp-stream') as typeof VideoStream;
    const stream = new Stream({
      name: o.cameraId,
      streamUrl: o.url,
      wsPort: o.wsPort,
      width: o.width,
      height: o.height,
      ffmpegOptions: {
        '-loglevel': 'error',
        '-an': '',
        '-s': `${o.width}x${o.height}`,
        '-r': o.fps ?? 25, // MPEG-1 allows only 24, 25, 30, 50, 60 (and NTSC variants)
        '-b:v': `${o.bitrateKbps ?? 1000}k`,
        '-bf': 0,
      },
    });
    this.stream = stream;
    // The library echoes ffmpeg's stderr to ours and logs every viewer: keep our logs ours.
    stream.mpeg1Muxer.removeAllListeners('ffmpegStderr');
    stream.mpeg1Muxer.on('ffmpegStderr', (d: Buffer) =>
      o.log?.debug({ camera: o.cameraId, ffmpeg: d.toString().slice(0, 300) }, 'live relay ffmpeg'),
    );
    stream.wsServer.on('error', (err) => {
      o.log?.warn({ camera: o.cameraId, err }, 'live relay: websocket server failed');
      void this.stop();
    });
    // The library's WebSocket server listens on every interface and has no auth of its own; ws reads
    // verifyClient at each upgrade, so the token and the loopback rule apply from the first viewer on.
    (stream.wsServer as unknown as { options: Record<string, unknown> }).options.verifyClient = (info: {
      req: { url?: string; socket: { remoteAddress?: string } };
    }) => {
      const remote = info.req.socket.remoteAddress ?? '';
      if (!o.allowRemote && !/^(127\.|::1$|::ffff:127\.)/.test(remote)) return false;
      if (!o.token) return true;
      return new URL(info.req.url ?? '/', 'http://relay').searchParams.get('token') === o.token;
    };
    stream.wsServer.broadcast = (data: unknown, opts?: unknown) => {
      for (const c of stream.wsServer.clients) if (c.readyState === 1) c.send(data, opts);
    };
    stream.onSocketConnect = (socket) => {
      const header = Buffer.alloc(8);
      header.write('jsmp');
      header.writeUInt16BE(o.width, 4);
      header.writeUInt16BE(o.height, 6);
      socket.send(header, { binary: true });
      this.viewers = stream.wsServer.clients.size;
      clearTimeout(this.idleTimer);
      socket.on('close', () => {
        this.viewers = stream.wsServer.clients.size;
        if (this.viewers === 0) this.armIdleStop();
      });
    };
    stream.stream.once('exit', () => {
      if (this.stream === stream && !this.stopping) {
        o.log?.warn({ camera: o.cameraId }, 'live relay: ffmpeg exited');
        void this.stop();
      }
    });
    this.armIdleStop();
    o.log?.info({ camera: o.cameraId, wsPort: o.wsPort }, 'live relay started');
  }

  private armIdleStop(): void {
    clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => void this.stop(), this.opts.idleStopMs ?? 10_000);
    this.idleTimer.unref();
  }

  /** Stops ffmpeg (SIGTERM, then SIGKILL) and closes the WebSocket server. */
  stop(): Promise<void> {
    if (this.stopping) return this.stopping;
    const stream = this.stream;
    if (!stream) return Promise.resolve();
    clearTimeout(this.idleTimer);
    this.stopping = (async () => {
      const child = stream.stream;
      const gone = new Promise<void>((r) => {
        if (child.exitCode !== null || child.signalCode !== null) r();
        else child.once('exit', () => r());
      });
      for (const c of stream.wsServer.clients) (c as unknown as { terminate(): void }).terminate();
      stream.wsServer.close();
      child.kill('SIGTERM');
      const kill = setTimeout(() => child.kill('SIGKILL'), 2000);
      await gone;
      clearTimeout(kill);
      this.stream = undefined;
      this.viewers = 0;
      this.stopping = undefined;
      this.opts.log?.info({ camera: this.opts.cameraId }, 'live relay stopped');
      this.opts.onStopped?.();
    })();
    return this.stopping;
  }
}
