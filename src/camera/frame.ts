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
