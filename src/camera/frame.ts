/**
 * How a decoded frame maps back to the camera image. ffmpeg scales the camera image by `scale` and pads
 * it (letterbox) to `width` x `height`, the detector's input size, with the image at the top-left.
 */
export interface FrameGeometry {
  /** Camera image size in pixels. */
  srcWidth: number;
  srcHeight: number;
  /** Frame (detector input) size in pixels. */
  width: number;
  height: number;
  /** frame pixels per camera pixel. */
  scale: number;
  /** Frame area covered by the image, pixels from the top-left; the rest is padding. */
  contentWidth: number;
  contentHeight: number;
  /**
   * Detection tiles stacked vertically in the frame (each its own width x `tileHeight`, at the left of its
   * rows), when the camera has more than the default whole-image tile. Absent: one tile, the whole image
   * (the fields above). With tiles, `width` and `height` are the frame's and the other fields above
   * describe tile 0.
   */
  tiles?: readonly FrameTile[];
  /** False when tile 0 is a crop: the top-left picture is then not the whole camera image. */
  fullView?: boolean;
}

/** One detection tile: a crop of the camera image, letterboxed into its slice of the frame. */
export interface FrameTile {
  /** Crop in camera pixels (even numbers, as ffmpeg cut it). */
  cropX: number;
  cropY: number;
  cropWidth: number;
  cropHeight: number;
  /**
   * Tile size in the frame (the largest detector input it is inferred at); the tile's rows start at byte
   * `byteOffset` of `data` (rows are the frame's width apart; the tile is at their left).
   */
  width: number;
  tileHeight: number;
  byteOffset: number;
  /** tile pixels per camera pixel. */
  scale: number;
  /** Tile area covered by the crop, from the tile's top-left; the rest is padding. */
  contentWidth: number;
  contentHeight: number;
  /** False: in the frame for its pixels only (snapshots, evidence, tamper checks), never inferred. */
  infer: boolean;
  /** An automatic detection region: inferred only while the camera's region gate wants it. */
  gated: boolean;
}

/** Whether camera pixel (`cx`, `cy`) lies in the tile's crop. */
export function tileHolds(t: FrameTile, cx: number, cy: number): boolean {
  return cx >= t.cropX && cx <= t.cropX + t.cropWidth && cy >= t.cropY && cy <= t.cropY + t.cropHeight;
}

/**
 * One decoded frame: packed BGR24, `width * height * 3` bytes, row-major. Buffers come from a small pool
 * and are reused: a consumer owns the frame from `take()` until `release()`, and must not keep `data`.
 */
export interface Frame {
  cameraId: string;
  /** Frame number since the camera started (counts dropped frames too). */
  seq: number;
  /** Position in the stream, milliseconds (presentation time; for files, time into the clip). */
  ptsMs: number;
  /** Wall clock at arrival, epoch milliseconds. */
  wallMs: number;
  geometry: FrameGeometry;
  data: Buffer;
}

/**
 * Latest-frame mailbox between a camera and its consumer: holds at most one frame. A frame arriving
 * while the previous one is still untaken replaces it and the old one is counted as skipped, so a slow
 * consumer bounds latency and memory instead of building a queue.
 */
export interface FrameMailbox {
  take(): Frame | undefined;
  release(frame: Frame): void;
  /** Called (synchronously, once per arriving frame) when a frame becomes available; returns unsubscribe. */
  onFrame(listener: () => void): () => void;
}
