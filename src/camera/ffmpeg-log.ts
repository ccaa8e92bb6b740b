/** What ffmpeg's banner says about the input video stream. */
export interface StreamInfo {
  codec: string;
  width: number;
  height: number;
  /** Frame rate from the banner (`fps`, else `tbr`); undefined when ffmpeg does not know it. */
  fps?: number;
}

const ROTATION_RE = /displaymatrix: rotation of (-?\d+(?:\.\d+)?) degrees/;

/** The rotation (degrees) of an input stream's `displaymatrix` side-data line; undefined for anything else. */
export function parseRotation(line: string): number | undefined {
  const m = ROTATION_RE.exec(line);
  return m ? Number(m[1]) : undefined;
}

/**
 * The picture size as ffmpeg decodes it for us: it turns a stream by its display matrix (a phone clip
 * filmed upright is stored landscape with a quarter turn), so a quarter turn swaps width and height.
 */
export function turned<T extends { width: number; height: number }>(size: T, rotation: number): T {
  const quarter = Math.round(rotation / 90);
  if (quarter % 2 === 0) return size;
  return { ...size, width: size.height, height: size.width };
}

/** Why an ffmpeg run failed, as far as its stderr tells. */
export type FailureReason =
  | 'unauthorized'
  | 'not_found'
  | 'unreachable'
  | 'timeout'
  | 'unsupported_codec'
  | 'bad_stream'
  /** A file that is corrupt or cut short (no moov atom, a partial file, data that is not media). */
  | 'bad_media'
  /** The input opened but has no video stream (an audio-only file or stream). */
  | 'no_video'
  | 'bad_config'
  | 'unknown';

const STREAM_RE = /Stream #\d+:\d+.*?: Video: (\w+)[^,]*,(.*)$/;
const SIZE_RE = /\b(\d{2,5})x(\d{2,5})\b/;
const FPS_RE = /([\d.]+)(k?) fps\b/;
const TBR_RE = /([\d.]+)(k?) tbr\b/;

/** Parses an input `Stream #0:0: Video: ...` banner line; undefined for anything else. */
export function parseVideoStreamLine(line: string): StreamInfo | undefined {
  const m = STREAM_RE.exec(line);
  if (!m) return undefined;
  const size = SIZE_RE.exec(m[2]!);
  if (!size) return undefined;
  const rate = FPS_RE.exec(m[2]!) ?? TBR_RE.exec(m[2]!);
  let fps: number | undefined;
  if (rate) fps = Number(rate[1]) * (rate[2] === 'k' ? 1000 : 1);
  return {
    codec: m[1]!,
    width: Number(size[1]),
    height: Number(size[2]),
    fps: fps && Number.isFinite(fps) && fps > 0 && fps <= 240 ? fps : undefined,
  };
}

/** A reason, or [for a file, for a live stream] where the same words mean different things. */
type Verdict = FailureReason | readonly [file: FailureReason, stream: FailureReason];

const RULES: Array<[RegExp, Verdict]> = [
  // Before not_found: "moov atom not found" and "Decoder (codec x) not found" are no missing file.
  [/moov atom not found|partial file|truncated/i, 'bad_media'],
  // Input that ended before its first decodable frame (a camera dying just after DESCRIBE; a cut file):
  // not a missing decoder nor a stream without video, whatever ffmpeg says after it.
  [/Could not find codec parameters/i, ['bad_media', 'bad_stream']],
  [/Stream map '0:v(:0)?' matches no streams|does not contain any stream|no video stream/i, 'no_video'],
  [/Decoder \(codec .*\) not found|Unsupported codec|could not find codec|no decoder/i, 'unsupported_codec'],
  [/\b401\b|Unauthorized/i, 'unauthorized'],
  [/\b403\b|Forbidden/i, 'unauthorized'],
  [/\b404\b|Not Found|No such file or directory|\b454\b|Session Not Found/i, 'not_found'],
  [/Connection refused|No route to host|Network is unreachable|Host is unreachable|\b503\b/i, 'unreachable'],
  [
    /Name or service not known|Temporary failure in name resolution|Failed to resolve hostname/i,
    'unreachable',
  ],
  [/timed out|Timeout/i, 'timeout'],
  [
    /Unrecognized option|Option not found|Protocol not found|Invalid argument|Error parsing|No such filter/i,
    'bad_config',
  ],
  // Last: a damaged file for a clip, a garbled stream for a camera (which may recover).
  [/Invalid data found when processing input|Error while decoding/i, ['bad_media', 'bad_stream']],
];

/**
 * Classifies a failed ffmpeg run from the tail of its stderr (most specific first). `file`: the input is a
 * file, where undecodable data means a damaged file rather than a garbled stream.
 */
export function classifyFailure(stderrTail: readonly string[], file = false): FailureReason {
  const text = stderrTail.join('\n');
  for (const [re, verdict] of RULES) {
    if (re.test(text)) return typeof verdict === 'string' ? verdict : verdict[file ? 0 : 1];
  }
  return 'unknown';
}

/** The most telling line of a failed run's stderr tail (for logs, health and `probe`), at most 300 chars. */
export function lastErrorLine(stderrTail: readonly string[]): string | undefined {
  for (let i = stderrTail.length - 1; i >= 0; i--) {
    const l = stderrTail[i]!;
    if (
      /error|failed|refused|unauthorized|not found|timed out|invalid|no such|partial file|matches no streams/i.test(
        l,
      )
    )
      return l.slice(0, 300);
  }
  return stderrTail.at(-1)?.slice(0, 300);
}
