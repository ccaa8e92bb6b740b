import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { requireBinary } from './process.js';
import { prng } from './sensor-fuzz.js';

const run = promisify(execFile);

export interface GarbageRtspServer {
  url: string;
  /** Connections taken so far (each camera attempt is one). */
  connections: number;
  stop(): Promise<void>;
}

/**
 * A loopback "camera" that is not one: `noise` answers every connection with pseudo-random bytes; `lies`
 * answers RTSP OPTIONS and DESCRIBE with 200 OK and an SDP of garbage, then noise. Each connection gets at
 * most 64 KiB and is closed after 2 s.
 */
export async function startGarbageRtsp(kind: 'noise' | 'lies'): Promise<GarbageRtspServer> {
  const rnd = prng(kind === 'noise' ? 7 : 11);
  const noise = (n: number) => Buffer.from(Array.from({ length: n }, () => Math.floor(rnd() * 256)));
  const sockets = new Set<Socket>();
  const state = { connections: 0 };
  const server: Server = createServer((s) => {
    state.connections++;
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => s.destroy());
    s.setTimeout(2000, () => s.destroy());
    let sent = 0;
    const send = (b: Buffer) => {
      if (sent + b.length > 65_536 || s.destroyed) return s.destroy();
      sent += b.length;
      s.write(b);
    };
    if (kind === 'noise') {
      send(noise(4096));
      return;
    }
    let buf = '';
    s.on('data', (d) => {
      buf += d.toString('latin1');
      let end = buf.indexOf('\r\n\r\n');
      while (end >= 0) {
        const req = buf.slice(0, end);
        buf = buf.slice(end + 4);
        const cseq = /CSeq:\s*(\d+)/i.exec(req)?.[1] ?? '1';
        const sdp = `v=0\r\nm=video ${noise(8).toString('hex')} RTP/AVP 96\r\na=rtpmap:96 H264/90000\r\na=fmtp:96 sprop-parameter-sets=${noise(24).toString('base64')}\r\n`;
        send(
          Buffer.from(
            `RTSP/1.0 200 OK\r\nCSeq: ${cseq}\r\nPublic: OPTIONS, DESCRIBE, SETUP, PLAY\r\nContent-Type: application/sdp\r\nContent-Length: ${sdp.length}\r\n\r\n${sdp}`,
          ),
        );
        if (/^(SETUP|PLAY)/.test(req)) send(noise(8192));
        end = buf.indexOf('\r\n\r\n');
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  return {
    url: `rtsp://127.0.0.1:${port}/cam`,
    get connections() {
      return state.connections;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/**
 * An MPEG-TS clip (H.264) whose resolution changes mid-stream: 640x360, then 1280x720, then 320x240, 2 s
 * each, as a camera sends after its settings change. Made once and cached under the OS temp dir.
 */
export async function resolutionChangeClip(): Promise<string> {
  const dir = join(tmpdir(), 'ioc-edge-rtsp-cache');
  mkdirSync(dir, { recursive: true });
  const out = join(dir, 'resolution-change-v1.ts');
  if (existsSync(out)) return out;
  const ffmpeg = requireBinary('ffmpeg', 'ffmpeg');
  const parts: Buffer[] = [];
  for (const [i, size] of ['640x360', '1280x720', '320x240'].entries()) {
    const part = join(dir, `resolution-change-${process.pid}-${i}.ts`);
    await run(ffmpeg, [
      ...['-hide_banner', '-loglevel', 'error', '-y', '-f', 'lavfi'],
      ...['-i', `testsrc2=size=${size}:rate=25:duration=2`],
      ...['-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-g', '25', '-bf', '0'],
      ...['-f', 'mpegts', part],
    ]);
    parts.push(readFileSync(part));
    rmSync(part);
  }
  const tmp = `${out}.${process.pid}.tmp`;
  writeFileSync(tmp, Buffer.concat(parts));
  renameSync(tmp, out);
  return out;
}
