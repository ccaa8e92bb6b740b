import sharp from 'sharp';
import type { LineConfig, ZoneConfig } from '../config/schema.js';
import type { Detection } from '../vision/detection.js';
import { boxesSvg } from './snapshot.js';

/** What a snapshot shows over the picture: the latest boxes, the counting lines and the zones. */
export interface SnapshotOverlay {
  boxes: readonly Detection[];
  lines: readonly Pick<LineConfig, 'id' | 'points' | 'directions'>[];
  zones: readonly Pick<ZoneConfig, 'id' | 'polygon' | 'kind'>[];
}

const LINE = '#ffd600';
const ZONE: Record<string, string> = {
  carriageway: '#2979ff',
  no_stopping: '#ff1744',
  parking: '#00e676',
  sidewalk: '#e040fb',
  generic: '#ffffff',
};

function esc(s: string): string {
  return s.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function label(x: number, y: number, text: string, colour: string, font: number): string {
  return (
    `<text x="${x.toFixed(1)}" y="${y.toFixed(1)}" font-family="sans-serif" font-size="${font}" ` +
    `font-weight="bold" fill="${colour}" stroke="#000" stroke-width="${(font / 12).toFixed(1)}" ` +
    `paint-order="stroke">${esc(text)}</text>`
  );
}

const ARROWS = ['→', '↘', '↓', '↙', '←', '↖', '↑', '↗'];

/** The arrow glyph nearest to a direction (y down). */
export function arrow(dx: number, dy: number): string {
  const octant = Math.round(Math.atan2(dy, dx) / (Math.PI / 4));
  return ARROWS[(octant + 8) % 8]!;
}

/**
 * SVG of zones (filled polygons), counting lines with their two direction names on the side a vehicle
 * crossing that way ends up (right of a→b is `directions[0]`, as the line counter counts), and boxes.
 */
export function overlaySvg(width: number, height: number, o: SnapshotOverlay): string {
  const font = Math.max(12, Math.round(width / 60));
  const stroke = Math.max(2, Math.round(width / 320));
  const parts: string[] = [];
  for (const z of o.zones) {
    const c = ZONE[z.kind] ?? '#ffffff';
    const pts = z.polygon.map(([x, y]) => `${(x * width).toFixed(1)},${(y * height).toFixed(1)}`).join(' ');
    parts.push(
      `<polygon points="${pts}" fill="${c}" fill-opacity="0.18" stroke="${c}" stroke-width="${stroke}"/>`,
    );
    const [x0, y0] = z.polygon[0]!;
    parts.push(label(x0 * width + 4, y0 * height + font + 2, z.id, c, font));
  }
  for (const l of o.lines) {
    const [[ax, ay], [bx, by]] = l.points as [[number, number], [number, number]];
    const x1 = ax * width;
    const y1 = ay * height;
    const x2 = bx * width;
    const y2 = by * height;
    parts.push(
      `<line x1="${x1.toFixed(1)}" y1="${y1.toFixed(1)}" x2="${x2.toFixed(1)}" y2="${y2.toFixed(1)}" ` +
        `stroke="${LINE}" stroke-width="${stroke * 2}" stroke-linecap="round"/>`,
    );
    const len = Math.hypot(x2 - x1, y2 - y1) || 1;
    // Right-hand normal of a→b with y pointing down.
    const nx = -(y2 - y1) / len;
    const ny = (x2 - x1) / len;
    const mx = (x1 + x2) / 2;
    const my = (y1 + y2) / 2;
    const off = font * 1.6;
    parts.push(
      label(
        mx + nx * off - font,
        my + ny * off + font / 2,
        `${arrow(nx, ny)} ${l.directions[0]}`,
        LINE,
        font,
      ),
    );
    parts.push(
      label(
        mx - nx * off - font,
        my - ny * off + font / 2,
        `${arrow(-nx, -ny)} ${l.directions[1]}`,
        LINE,
        font,
      ),
    );
    parts.push(label(x1 + 4, y1 - 6, l.id, LINE, font));
  }
  const boxes = boxesSvg(width, height, o.boxes);
  const inner = boxes.slice(boxes.indexOf('>') + 1, boxes.lastIndexOf('</svg>'));
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">${parts.join('')}${inner}</svg>`;
}

/** Draws the overlay onto a JPEG; returns a JPEG. */
export async function drawOverlay(
  jpeg: Buffer,
  width: number,
  height: number,
  o: SnapshotOverlay,
): Promise<Buffer> {
  if (o.boxes.length === 0 && o.lines.length === 0 && o.zones.length === 0) return jpeg;
  const svg = Buffer.from(overlaySvg(width, height, o));
  return sharp(jpeg)
    .composite([{ input: svg, top: 0, left: 0 }])
    .jpeg({ quality: 85 })
    .toBuffer();
}
