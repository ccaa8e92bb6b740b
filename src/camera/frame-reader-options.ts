import type { FramePool } from './frame-pool.js';
import type { TileRect, TileSpec } from './letterbox.js';

export type Hwaccel = 'none' | 'auto' | 'vaapi' | 'cuda' | 'qsv' | 'drm' | 'vdpau';

export interface FrameReaderOptions {
  cameraId: string;
  /** rtsp://, rtsps:// or file:// */
  url: string;
  /** Detector input size: frames (each tile) are letterboxed to exactly this. */
  width: number;
  height: number;
  /**
   * Detection tiles in fractions of the camera image: each is cropped and letterboxed to width x height
   * and the tiles are stacked vertically in one frame (height x N). Default: the whole image.
   */
  tiles?: readonly TileRect[];
  /**
   * The frame layout, each tile with its own size (automatic detection regions: see vision/detect-plan.ts).
   * Overrides `width`, `height` and `tiles`.
   */
  layout?: readonly TileSpec[];
  /** Output frame rate (fps filter); undefined keeps every decoded frame. */
  fps?: number;
  transport?: 'tcp' | 'udp';
  /** file:// only: start again at the end. Default true. */
  loop?: boolean;
  /** file:// only: read at the clip's own rate (`-re`). Default true. */
  realtime?: boolean;
  /** Never drop: stop reading ffmpeg while a frame is untaken. Default: file:// and not realtime. */
  lossless?: boolean;
  hwaccel?: Hwaccel;
  /** Decoder and filter threads (0 = ffmpeg's choice). Many cameras on few cores do better with 1. */
  decoderThreads?: number;
  /** RTSP socket I/O timeout; ffmpeg gives up (and exits) after this long without data. Default 5 s. */
  ioTimeoutMs?: number;
  /** More outputs of the same process (e.g. the clip segment muxer), each `-map 0:v:0` + options + target. */
  extraOutputs?: Array<{ options: string[]; target: string }>;
  /** Added to every ptsMs (a restarted stream continues its camera's timeline). */
  ptsOffsetMs?: number;
  /**
   * Offline analysis: each frame's wallMs is this epoch + its ptsMs, the clip's own timeline, instead of
   * when it arrived. What runs on wall time (count intervals) then happens at the same clip positions on
   * every run, however fast it goes.
   */
  clipClockMs?: number;
  /** Frame pool to publish into (kept across restarts by a camera); created when absent. */
  pool?: FramePool;
  /** Buffers of the pool created when `pool` is absent (default 4). */
  poolSize?: number;
  /** Run ffmpeg below the gateway's priority (live cameras: see FFMPEG_NICE). Default false. */
  lowPriority?: boolean;
  ffmpegPath?: string;
}
