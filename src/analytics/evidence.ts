import sharp from 'sharp';
import { annotate, type Overlay } from '../annotate/annotator.js';
import type { EvidenceSnapshot } from './evidence-snapshot.js';

/** Evidence pictures are scaled to this width so labels stay readable. */
const OUT_WIDTH = 960;

/** The evidence overlay: zone outline, boxes (the incident's objects in red with their trail) and a caption. */
export function evidenceOverlay(s: EvidenceSnapshot): Overlay {
  const inc = s.incident;
  return {
    polygons: s.zone ? [{ points: s.zone }] : [],
    boxes: s.boxes.map((b) => ({
      x1: b.x1,
      y1: b.y1,
      x2: b.x2,
      y2: b.y2,
      cls: b.cls,
      label: b.label,
      alert: b.involved,
      trail: b.trail,
    })),
    caption: `${inc.type} | ${inc.cameraId}${inc.zoneId ? ` / ${inc.zoneId}` : ''} | ${new Date(inc.startMs).toISOString()} | ${inc.detail}`,
  };
}

/** Renders an evidence snapshot to a JPEG: the frame with zone outline, boxes, trail and caption. */
export function renderEvidenceJpeg(s: EvidenceSnapshot, quality = 85): Promise<Buffer> {
  return annotate({ rgb: s.rgb, width: s.width, height: s.height }, evidenceOverlay(s), {
    width: OUT_WIDTH,
    quality,
  });
}

/**
 * Lays JPEG/PNG pictures out in a grid (contact sheet) of `columns` tiles of `tileWidth` px; returns a JPEG.
 */
export async function contactSheet(images: Buffer[], columns = 3, tileWidth = 480): Promise<Buffer> {
  if (images.length === 0) throw new Error('contact sheet: no images');
  const tiles = await Promise.all(
    images.map(async (img) => {
      const buf = await sharp(img).resize({ width: tileWidth }).jpeg().toBuffer();
      const meta = await sharp(buf).metadata();
      return { buf, height: meta.height ?? 0 };
    }),
  );
  const tileHeight = Math.max(...tiles.map((t) => t.height));
  const rows = Math.ceil(tiles.length / columns);
  const gap = 4;
  return sharp({
    create: {
      width: columns * tileWidth + (columns + 1) * gap,
      height: rows * tileHeight + (rows + 1) * gap,
      channels: 3,
      background: { r: 32, g: 32, b: 32 },
    },
  })
    .composite(
      tiles.map((t, i) => ({
        input: t.buf,
        left: gap + (i % columns) * (tileWidth + gap),
        top: gap + Math.floor(i / columns) * (tileHeight + gap),
      })),
    )
    .jpeg({ quality: 85 })
    .toBuffer();
}
