import type { Logger } from '../log/logger.js';
import type { ReconnectOptions } from './camera-retry.js';
import type { FrameReaderOptions, Hwaccel } from './frame-reader.js';
import type { TileRect, TileSpec } from './letterbox.js';

/** How a Camera connects, what it delivers to the detector, and how it retries. */
export interface CameraOptions extends ReconnectOptions {
  id: string;
  url: string;
  transport?: 'tcp' | 'udp';
  loop?: boolean;
  realtime?: boolean;
  hwaccel?: Hwaccel;
  /** Detector input size. */
  width: number;
  height: number;
  /** Detection tiles (camera image fractions); each is one width x height slice of the frame. */
  tiles?: readonly TileRect[];
  /**
   * The frame layout for a picture of the given size (0 x 0: not known yet), e.g. the automatic detection
   * regions. When the picture turns out to need another layout than the one the stream started with, the
   * camera reconnects once with it. Overrides `width`, `height` and `tiles`.
   */
  layoutFor?: (srcWidth: number, srcHeight: number) => readonly TileSpec[];
  /** Told the layout the camera uses, whenever it changes. */
  onLayout?: (layout: readonly TileSpec[], srcWidth: number, srcHeight: number) => void;
  /** Frames per second delivered to the detector. */
  detectFps: number;
  /** No frame for this long (also: no first frame this long after connecting) = stalled. Default 10 s. */
  stallTimeoutMs?: number;
  /** Time allowed from starting ffmpeg to the first frame (probing takes a while). Default max(stall, 15 s). */
  connectTimeoutMs?: number;
  decoderThreads?: number;
  /** Where full-resolution stills are grabbed from on demand (the record input); default: `url`. */
  stillInput?: { url: string; transport?: 'tcp' | 'udp' };
  /** Extra outputs of the camera's ffmpeg (the clip recorder's segment muxer). */
  extraOutputs?: () => FrameReaderOptions['extraOutputs'];
  log?: Logger;
  /** How often health rates are computed (default 1 s). */
  healthIntervalMs?: number;
}
