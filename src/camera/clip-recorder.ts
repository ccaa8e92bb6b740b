import { execFile } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);
const SEGMENT_NAME = /^\d+-\d+\.ts$/;

function statOrUndefined(file: string) {
  try {
    return statSync(file);
  } catch {
    return undefined;
  }
}

export interface ClipRecorderOptions {
  cameraId: string;
  /** Where this camera's rolling segments live (created). */
  dir: string;
  segmentMs: number;
  /** Disk bound for the segments; oldest deleted first. */
  maxBytes: number;
  ffmpegPath?: string;
}

interface Segment {
  file: string;
  startMs: number;
  endMs: number;
  bytes: number;
}

export interface Clip {
  file: string;
  /** Wall-clock span the clip covers (segment-aligned, so at least the requested window when available). */
  startMs: number;
  endMs: number;
}

/**
 * Rolling buffer of a camera's stream as short MPEG-TS segments written by the camera's own ffmpeg
 * (`-c copy -f segment`, no re-encode; see `outputs()`), named by their start time (epoch seconds).
 * Event clips are cut by concatenating the segments that overlap the window (again `-c copy`).
 */
export class ClipRecorder {
  private sweepTimer?: NodeJS.Timeout;
  bytes = 0;

  constructor(readonly opts: ClipRecorderOptions) {
    mkdirSync(opts.dir, { recursive: true });
  }

  private runs = 0;

  /**
   * The segment muxer output for the camera's ffmpeg (call once per ffmpeg start). Names are
   * `<epoch s>-<run>.ts`: the run number keeps a restart within the same second from overwriting.
   */
  outputs(): Array<{ options: string[]; target: string }> {
    const run = ++this.runs % 1_000_000;
    return [
      {
        options: [
          '-an',
          '-c',
          'copy',
          '-f',
          'segment',
          '-segment_time',
          String(this.opts.segmentMs / 1000),
          '-segment_format',
          'mpegts',
          '-strftime',
          '1',
        ],
        target: join(this.opts.dir, `%s-${run}.ts`),
      },
    ];
  }

  start(): void {
    this.sweep();
    this.sweepTimer = setInterval(() => this.sweep(), Math.max(500, this.opts.segmentMs));
    this.sweepTimer.unref();
  }

  stop(): void {
    clearInterval(this.sweepTimer);
  }

  /** Segments oldest first; a segment ends where the next begins (the last: its last write). */
  segments(): Segment[] {
    const segs: Segment[] = [];
    for (const f of readdirSync(this.opts.dir)) {
      if (!SEGMENT_NAME.test(f)) continue;
      const file = join(this.opts.dir, f);
      const st = statOrUndefined(file);
      if (!st) continue; // deleted meanwhile
      segs.push({ file, startMs: Number.parseInt(f, 10) * 1000, endMs: st.mtimeMs, bytes: st.size });
    }
    // By start second, then by write time (a restart's first segment after the old run's last).
    segs.sort((a, b) => a.startMs - b.startMs || a.endMs - b.endMs);
    for (let i = 0; i + 1 < segs.length; i++) segs[i]!.endMs = Math.max(segs[i]!.endMs, segs[i + 1]!.startMs);
    return segs;
  }

  /** Deletes oldest segments while over the disk bound (never the newest, which is being written). */
  sweep(): void {
    const segs = this.segments();
    let total = segs.reduce((a, s) => a + s.bytes, 0);
    for (let i = 0; i < segs.length - 1 && total > this.opts.maxBytes; i++) {
      rmSync(segs[i]!.file, { force: true });
      total -= segs[i]!.bytes;
    }
    this.bytes = total;
  }

  /**
   * Writes an MP4 covering [atMs - beforeMs, atMs + afterMs]: waits until the segment holding the window's
   * end is closed (bounded by `timeoutMs`), then concatenates the overlapping segments without re-encoding.
   */
  async clip(
    atMs: number,
    beforeMs: number,
    afterMs: number,
    outFile: string,
    timeoutMs = 30_000,
  ): Promise<Clip> {
    const from = atMs - beforeMs;
    const to = atMs + afterMs;
    const deadline = Date.now() + Math.max(timeoutMs, to - Date.now() + this.opts.segmentMs * 3);
    let segs = this.segments();
    while (!(segs.length > 0 && segs.at(-1)!.startMs >= to) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 200));
      segs = this.segments();
    }
    const closed = segs.slice(0, -1);
    // Names have 1 s resolution: take one more second at the start so the window is surely covered.
    const pick = closed.filter((s) => s.endMs > from - 1000 && s.startMs < to);
    if (pick.length === 0) {
      throw new Error(
        `camera ${this.opts.cameraId}: no recorded segments cover ${new Date(from).toISOString()}`,
      );
    }
    await execFileAsync(this.opts.ffmpegPath ?? 'ffmpeg', [
      '-hide_banner',
      '-nostdin',
      '-loglevel',
      'error',
      '-y',
      '-i',
      `concat:${pick.map((s) => s.file).join('|')}`,
      '-map',
      '0:v:0',
      '-c',
      'copy',
      '-movflags',
      '+faststart',
      outFile,
    ]);
    return { file: outFile, startMs: pick[0]!.startMs, endMs: pick.at(-1)!.endMs };
  }
}
