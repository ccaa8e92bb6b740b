import sharp from 'sharp';
import { annotate, type Overlay } from '../annotate/annotator.js';
import type { Detection } from '../domain/traffic.js';
import type { Frame, FrameGeometry } from './frame.js';

export interface Snapshot {
  jpeg: Buffer;
  width: number;
  height: number;
  /** 'still': a full-resolution still of the main stream; 'frame': the detector frame (letterbox cropped off). */
  source: 'still' | 'frame';
  /** When the image was captured (epoch ms). */
  wallMs: number;
}

/**
 * JPEG of a detector frame with the letterbox padding cropped off. Copies the pixels synchronously
 * (the frame's buffer is reused after the caller's stack returns), then encodes off the event loop.
 */
export function frameToJpeg(frame: Pick<Frame, 'data' | 'geometry'>, quality = 85): Promise<Buffer> {
  const g: FrameGeometry = frame.geometry;
  const copy = Buffer.from(frame.data.subarray(0, g.width * g.height * 3));
  return sharp(copy, { raw: { width: g.width, height: g.height, channels: 3 } })
    .extract({ left: 0, top: 0, width: g.contentWidth, height: g.contentHeight })
    .recomb([
      [0, 0, 1],
      [0, 1, 0],
      [1, 0, 0],
    ]) // BGR → RGB
    .jpeg({ quality })
    .toBuffer();
}

/** Boxes with class and score labels, in the class colours. */
export function detectionsOverlay(detections: readonly Detection[]): Overlay {
  return {
    boxes: detections.map((d) => ({
      x1: d.x1,
      y1: d.y1,
      x2: d.x2,
      y2: d.y2,
      cls: d.cls,
      label: `${d.cls} ${Math.round(d.score * 100)}%`,
    })),
  };
}

/** Draws detection boxes and labels onto a JPEG (or any image sharp reads); returns a JPEG. */
export function drawDetections(
  image: Buffer,
  detections: readonly Detection[],
  quality = 85,
): Promise<Buffer> {
  return annotate(image, detectionsOverlay(detections), { quality });
}

export interface SnapshotSource {
  /** Latest detector frame (valid only synchronously). */
  latestFrame(): Frame | undefined;
  /** A full-resolution still grabbed on demand (Camera.still). */
  still?(maxAgeMs?: number): Promise<{ jpeg: Buffer; wallMs: number }>;
}

/**
 * A snapshot of the camera now. `full`: a full-resolution still grabbed from the camera's main stream
 * (falling back to the detector frame when none comes); otherwise the detector frame, on which the latest
 * boxes line up with the vehicles. Undefined before the first frame.
 */
export async function takeSnapshot(
  src: SnapshotSource,
  options: { detections?: readonly Detection[]; full?: boolean; quality?: number } = {},
): Promise<Snapshot | undefined> {
  let snap: Snapshot | undefined;
  if (options.full && src.still) {
    const still = await src.still().catch(() => undefined);
    if (still) {
      const meta = await sharp(still.jpeg).metadata();
      snap = {
        jpeg: still.jpeg,
        width: meta.width ?? 0,
        height: meta.height ?? 0,
        source: 'still',
        wallMs: still.wallMs,
      };
    }
  }
  const frame = snap ? undefined : src.latestFrame();
  if (frame && frame.geometry.fullView !== false) {
    // (A frame whose tile 0 is a crop does not show the whole view: no snapshot from it.)
    const g = frame.geometry;
    const wallMs = frame.wallMs;
    const jpeg = await frameToJpeg(frame, options.quality);
    snap = { jpeg, width: g.contentWidth, height: g.contentHeight, source: 'frame', wallMs };
  }
  if (snap && options.detections && options.detections.length > 0) {
    snap.jpeg = await drawDetections(snap.jpeg, options.detections, options.quality);
  }
  return snap;
}
