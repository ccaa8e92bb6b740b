import { parseRotation, parseVideoStreamLine, type StreamInfo, turned } from './ffmpeg-log.js';

const STDERR_LINES = 40;
/** ffmpeg's words for input it could not read whole: a file cut short (most telling) or corrupt data. */
const CUT_SHORT_RE = /partial file|moov atom not found|truncated/i;
const DAMAGE_RE = /Error while decoding|Invalid data found|Error splitting the input into NAL units|corrupt/i;
const DURATION_RE = /^\s*Duration: (\d+):(\d\d):(\d\d(?:\.\d+)?)/;

/**
 * What a running ffmpeg says on stderr: its last lines (to classify a failure), the first report of
 * damaged input, and from the input banner the duration and the video stream (handed to `onInfo` once,
 * after the stream's own indented lines: its display matrix turns the picture ffmpeg decodes).
 */
export class FfmpegStderr {
  /** The last lines (may contain the URL: scrub before logging). */
  readonly tail: string[] = [];
  /** The first line that reported damaged input, if any. */
  damage?: string;
  /** The input's duration from the banner, seconds (files; undefined for live streams). */
  durationS?: number;

  private partial = '';
  private cutShort = false;
  private infoSeen = false;
  /** The video stream line's info, until the lines under it (side data) have been read. */
  private pending: StreamInfo | undefined;
  private section: 'none' | 'input' | 'output' = 'none';

  constructor(private readonly onInfo: (info: StreamInfo) => void) {}

  /** A chunk of stderr text (lines may be split across chunks). */
  write(text: string): void {
    const parts = (this.partial + text).split(/\r?\n|\r/);
    this.partial = parts.pop() ?? '';
    for (const line of parts) if (line) this.push(line);
  }

  /** The process ended: keeps an unterminated last line. */
  end(): void {
    if (this.partial) this.push(this.partial);
    this.flushInfo();
  }

  push(line: string): void {
    this.tail.push(line);
    if (this.tail.length > STDERR_LINES) this.tail.shift();
    if (!this.cutShort) {
      // The first complaint, until one says the file is cut short (that one explains the others).
      const cut = CUT_SHORT_RE.test(line);
      if (cut || (this.damage === undefined && DAMAGE_RE.test(line))) {
        this.damage = line.replace(/^\[[^\]]+ @ 0x[0-9a-f]+\] /, '').slice(0, 300);
        this.cutShort = cut;
      }
    }
    if (this.infoSeen) return;
    if (this.pending) {
      // The stream's own lines are indented under it (Metadata, Side data); anything else ends them.
      if (line.startsWith('    ')) {
        const rotation = parseRotation(line);
        if (rotation !== undefined) this.pending = turned(this.pending, rotation);
        return;
      }
      this.flushInfo();
      return;
    }
    if (line.startsWith('Input #')) this.section = 'input';
    else if (line.startsWith('Output #') || line.startsWith('Stream mapping')) this.section = 'output';
    else if (this.section === 'input') {
      const d = DURATION_RE.exec(line);
      if (d) this.durationS = Number(d[1]) * 3600 + Number(d[2]) * 60 + Number(d[3]);
      const info = parseVideoStreamLine(line);
      if (info) this.pending = info;
    }
  }

  private flushInfo(): void {
    const info = this.pending;
    if (!info) return;
    this.pending = undefined;
    this.infoSeen = true;
    this.onInfo(info);
  }
}
