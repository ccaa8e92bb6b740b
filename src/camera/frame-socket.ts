import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** How often to try again while ffmpeg has not opened its output yet (it probes the input first). */
const RETRY_MS = 20;
/** Bytes per read: a frame arrives in several reads, each copied once into a pooled frame. */
const CHUNK_BYTES = 256 * 1024;
/** Longest unix socket path the kernel takes (sun_path is 108 bytes with its NUL). */
const MAX_PATH = 107;
/** `<prefix><pid>-XXXXXX`: the process that made it, so a later one can tell a dead one's leftovers. */
const PREFIX = 'ioc-edge-frames-';
/** Temp dirs already swept of dead processes' socket dirs by this process. */
const swept = new Set<string>();

export interface FrameSocketSink {
  /** Bytes arrived in `chunk[0, length)`; the chunk is reused by the next read: copy what you keep. */
  data(chunk: Buffer, length: number): void;
  /** The socket is gone (ffmpeg closed its output, or we gave up before it listened). */
  closed(): void;
}

/**
 * The channel ffmpeg's rawvideo frames reach the gateway by: a unix socket ffmpeg listens on (output
 * `unix:<path>` with `-listen 1`), in a private directory, which this side connects to once it exists.
 *
 * Why not ffmpeg's stdout: a child's stdout pipe hands Node every 64 KB read in a fresh Buffer, 1.5 GB a
 * minute for 1 MB frames at 25 fps, which the collector reclaims by full mark-compacts; that and the
 * stream machinery cost ~0.3 s of CPU per 335 such frames (NL clip, every frame, tiled). A socket that Node
 * connects itself can read into one reused buffer (`onread`), which a child's stdio cannot.
 *
 * The directory is made with mode 0700, so no other local user can connect and read the camera; it is
 * removed when the socket closes, or by the next gateway process when this one was killed.
 */
export class FrameSocket {
  /** ffmpeg's output target (add `-listen 1` to its output options). */
  readonly target: string;
  private readonly dir: string;
  private readonly path: string;
  private readonly chunk = Buffer.allocUnsafe(CHUNK_BYTES);
  private socket: Socket | undefined;
  private retry: NodeJS.Timeout | undefined;
  private connected = false;
  private done = false;
  private finished = false;
  private paused = false;

  constructor(private readonly sink: FrameSocketSink) {
    // `<base>/ioc-edge-frames-<pid>-XXXXXX/frames.sock`: a long TMPDIR would not fit in a socket address.
    const prefix = `${PREFIX}${process.pid}-`;
    const fits = tmpdir().length + `/${prefix}XXXXXX/frames.sock`.length <= MAX_PATH;
    const base = fits ? tmpdir() : '/tmp';
    sweepDead(base);
    this.dir = mkdtempSync(join(base, prefix));
    this.path = join(this.dir, 'frames.sock');
    this.target = `unix:${this.path}`;
  }

  /** Tries to connect until ffmpeg listens, `giveUp()` is called, or the socket closes. */
  open(): void {
    if (this.done || this.socket) return;
    const socket = connect({
      path: this.path,
      onread: {
        buffer: this.chunk,
        callback: (n: number, buf: Uint8Array) => {
          this.sink.data(buf as Buffer, n);
          return !this.paused;
        },
      },
    });
    this.socket = socket;
    socket.once('connect', () => {
      this.connected = true;
      if (this.paused) socket.pause();
    });
    socket.on('error', () => {
      // Before the connection: ffmpeg does not listen yet. After: the close that follows says it all.
    });
    socket.once('close', () => {
      this.socket = undefined;
      if (this.connected || this.done) return this.finish();
      this.retry = setTimeout(() => {
        this.retry = undefined;
        this.open();
      }, RETRY_MS);
    });
  }

  /** Stops reading (ffmpeg blocks once the socket's buffers are full). */
  pause(): void {
    this.paused = true;
    if (this.connected) this.socket?.pause();
  }

  resume(): void {
    this.paused = false;
    if (this.connected) this.socket?.resume();
  }

  /** ffmpeg is gone: stop trying to connect; a connected socket still delivers what is left in it. */
  giveUp(): void {
    if (this.connected) return;
    this.done = true;
    if (this.retry) clearTimeout(this.retry);
    this.retry = undefined;
    if (this.socket) this.socket.destroy();
    else this.finish();
  }

  private finish(): void {
    if (this.finished) return;
    this.finished = true;
    this.done = true;
    rmSync(this.dir, { recursive: true, force: true });
    this.sink.closed();
  }
}

/**
 * Removes, once per temp dir, the socket dirs of gateway processes that are gone: one killed (power cut,
 * OOM, SIGKILL) never removed its own. A dir whose process still runs is never touched.
 */
function sweepDead(base: string): void {
  if (swept.has(base)) return;
  swept.add(base);
  let names: string[];
  try {
    names = readdirSync(base);
  } catch {
    return;
  }
  for (const name of names) {
    if (!name.startsWith(PREFIX)) continue;
    const pid = Number.parseInt(name.slice(PREFIX.length), 10);
    if (!(pid > 0) || pid === process.pid || alive(pid)) continue;
    try {
      rmSync(join(base, name), { recursive: true, force: true });
    } catch {
      // another user's, or gone already
    }
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
