import sharp from 'sharp';
import type { EvidenceSnapshot } from './evidence-snapshot.js';

/** Evidence pictures are scaled to this width so labels stay readable. */
const OUT_WIDTH = 960;

function esc(s: string): string {
  return s.replace(/[&<>"]/g, (c) =>
    c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : '&quot;',
  );
}

/** SVG overlay: zone outline, boxes (incident objects in red with their trail) and a caption. */
export function evidenceSvg(s: EvidenceSnapshot, width: number, height: number): string {
  const px = (x: number) => (x * width).toFixed(1);
  const py = (y: number) => (y * height).toFixed(1);
  const parts: string[] = [];
  if (s.zone) {
    const pts = s.zone.map(([x, y]) => `${px(x)},${py(y)}`).join(' ');
    parts.push(`<polygon points="${pts}" fill="rgba(255,200,0,0.15)" stroke="#ffc800" stroke-width="3"/>`);
  }
  for (const b of s.boxes) {
    const color = b.involved ? '#ff2020' : '#30e030';
    const sw = b.involved ? 4 : 2;
    parts.push(
      `<rect x="${px(b.x1)}" y="${py(b.y1)}" width="${px(b.x2 - b.x1)}" height="${py(b.y2 - b.y1)}" fill="none" stroke="${color}" stroke-width="${sw}"/>`,
    );
    parts.push(
      `<text x="${px(b.x1)}" y="${(b.y1 * height - 4).toFixed(1)}" font-family="sans-serif" font-size="16" fill="${color}" stroke="black" stroke-width="0.6">${esc(b.label)}</text>`,
    );
    if (b.trail.length > 1) {
      const pts = b.trail.map(([x, y]) => `${px(x)},${py(y)}`).join(' ');
      parts.push(
        `<polyline points="${pts}" fill="none" stroke="#ff2020" stroke-width="3" stroke-dasharray="6,4"/>`,
      );
    }
  }
  const inc = s.incident;
  const caption = `${inc.type} | ${inc.cameraId}${inc.zoneId ? ` / ${inc.zoneId}` : ''} | ${new Date(inc.startMs).toISOString()} | ${inc.detail}`;
  parts.push(`<rect x="0" y="0" width="${width}" height="28" fill="rgba(0,0,0,0.6)"/>`);
  parts.push(
    `<text x="8" y="20" font-family="sans-serif" font-size="16" fill="white">${esc(caption)}</text>`,
  );
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">${parts.join('')}</svg>`;
}

/** Renders an evidence snapshot to a JPEG: the frame with zone outline, boxes, trail and caption. */
export async function renderEvidenceJpeg(s: EvidenceSnapshot, quality = 85): Promise<Buffer> {
  const width = OUT_WIDTH;
  const height = Math.round((s.height * OUT_WIDTH) / s.width);
  const svg = Buffer.from(evidenceSvg(s, width, height));
  return sharp(s.rgb, { raw: { width: s.width, height: s.height, channels: 3 } })
    .resize(width, height)
    .composite([{ input: svg, top: 0, left: 0 }])
    .jpeg({ quality })
    .toBuffer();
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
