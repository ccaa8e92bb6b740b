import sharp from 'sharp';
import type { Detection } from '../vision/detection.js';
import type { Frame, FrameGeometry } from './frame.js';

export interface Snapshot {
  jpeg: Buffer;
  width: number;
  height: number;
  /** 'still': the camera's full-resolution still; 'frame': the detector frame (letterbox cropped off). */
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

const COLOURS: Record<string, string> = {
  car: '#00e5ff',
  truck: '#ff9100',
  bus: '#ffea00',
  motorcycle: '#ff1744',
  bicycle: '#76ff03',
  person: '#d500f9',
};

function escapeXml(s: string): string {
  return s.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** An SVG of boxes and labels for an image of `width` x `height` (detections are image fractions). */
export function boxesSvg(width: number, height: number, detections: readonly Detection[]): string {
  const stroke = Math.max(2, Math.round(width / 400));
  const font = Math.max(12, Math.round(width / 70));
  const parts = detections.map((d) => {
    const x = Math.round(d.x1 * width);
    const y = Math.round(d.y1 * height);
    const w = Math.max(1, Math.round((d.x2 - d.x1) * width));
    const h = Math.max(1, Math.round((d.y2 - d.y1) * height));
    const colour = COLOURS[d.cls] ?? '#ffffff';
    const label = escapeXml(`${d.cls} ${Math.round(d.score * 100)}%`);
    const ty = y > font + 4 ? y - 4 : y + h + font;
    return (
      `<rect x="${x}" y="${y}" width="${w}" height="${h}" fill="none" stroke="${colour}" stroke-width="${stroke}"/>` +
      `<text x="${x}" y="${ty}" font-family="sans-serif" font-size="${font}" fill="${colour}" ` +
      `stroke="#000" stroke-width="0.6">${label}</text>`
    );
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">${parts.join('')}</svg>`;
}

/** Draws detection boxes and labels onto a JPEG (or any image sharp reads); returns a JPEG. */
export async function drawDetections(
  image: Buffer,
  detections: readonly Detection[],
  quality = 85,
): Promise<Buffer> {
  const meta = await sharp(image).metadata();
  if (!meta.width || !meta.height) throw new Error('drawDetections: image without a size');
  const svg = Buffer.from(boxesSvg(meta.width, meta.height, detections));
  return sharp(image)
    .composite([{ input: svg, top: 0, left: 0 }])
    .jpeg({ quality })
    .toBuffer();
}

export interface SnapshotSource {
  /** Latest detector frame (valid only synchronously). */
  latestFrame(): Frame | undefined;
  /** Latest full-resolution still. */
  latestStill?: { jpeg: Buffer; wallMs: number };
}

/**
 * A snapshot of the camera now: the full-resolution still when it is at most `maxStillAgeMs` older than
 * the latest frame (for boxes, which were found on a detector frame, keep that small so boxes line up
 * with moving vehicles), else the detector frame. Undefined before the first frame.
 */
export async function takeSnapshot(
  src: SnapshotSource,
  options: { detections?: readonly Detection[]; maxStillAgeMs?: number; quality?: number } = {},
): Promise<Snapshot | undefined> {
  const frame = src.latestFrame();
  const still = src.latestStill;
  const maxAge = options.maxStillAgeMs ?? (options.detections ? 150 : 1500);
  let snap: Snapshot | undefined;
  if (still && (!frame || frame.wallMs - still.wallMs <= maxAge)) {
    const meta = await sharp(still.jpeg).metadata();
    snap = {
      jpeg: still.jpeg,
      width: meta.width ?? 0,
      height: meta.height ?? 0,
      source: 'still',
      wallMs: still.wallMs,
    };
  } else if (frame && frame.geometry.fullView !== false) {
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
