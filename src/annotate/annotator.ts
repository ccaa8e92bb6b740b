import sharp, { type Sharp } from 'sharp';
import type { TrafficClass } from '../domain/traffic.js';

/**
 * Draws what the gateway saw onto a picture: zone polygons, counting lines, boxes with labels and trails,
 * and a caption band, as an SVG overlay composited by sharp into a JPEG. One colour per class everywhere
 * (snapshots, evidence pictures, the technician's view); red only for what an incident is about.
 * Geometry is in fractions of the picture (x right, y down), as the config and the detector give it.
 */

/** A point in fractions of the picture. */
export type Point = readonly [number, number];

export interface BoxMark {
  x1: number;
  y1: number;
  x2: number;
  y2: number;
  /** Picks the box colour (CLASS_COLOURS); other names get OTHER_COLOUR. */
  cls?: string;
  label?: string;
  /** Part of an incident: drawn in ALERT_COLOUR, thicker, with its trail. */
  alert?: boolean;
  /** Recent centres, oldest first. */
  trail?: readonly Point[];
}

export interface PolygonMark {
  points: readonly Point[];
  label?: string;
  colour?: string;
  /** Dashed outline, no fill: an area the gateway works on (a detection region), not one of the scene. */
  dashed?: boolean;
}

export interface LineMark {
  a: Point;
  b: Point;
  label?: string;
  colour?: string;
  /**
   * Names of the two sides, each drawn with an arrow on the side a crossing that way ends up: `[right of
   * a→b, left of a→b]` (y down), as the line counter names its directions.
   */
  sides?: readonly [string, string];
}

export interface Overlay {
  polygons?: readonly PolygonMark[];
  lines?: readonly LineMark[];
  boxes?: readonly BoxMark[];
  /** One line of text in a dark band across the top. */
  caption?: string;
}

export const CLASS_COLOURS: Readonly<Record<TrafficClass, string>> = {
  car: '#00e5ff',
  truck: '#ff9100',
  bus: '#ffea00',
  motorcycle: '#00e676',
  bicycle: '#448aff',
  person: '#d500f9',
};
export const OTHER_COLOUR = '#bdbdbd';
export const ALERT_COLOUR = '#ff2020';
export const ZONE_COLOUR = '#ffc800';
export const LINE_COLOUR = '#ffffff';
/** The detection regions (where detection looks closer than the whole picture): explain and snapshots. */
export const REGION_COLOUR = '#ff4081';

/** A detection region or tile `rect` ([x1, y1, x2, y2], fractions) as a dashed outline labelled `label`. */
export function regionMark(
  [x1, y1, x2, y2]: readonly [number, number, number, number],
  label: string,
): PolygonMark {
  return {
    points: [
      [x1, y1],
      [x2, y1],
      [x2, y2],
      [x1, y2],
    ],
    label,
    colour: REGION_COLOUR,
    dashed: true,
  };
}

const FONT = 'font-family="sans-serif"';

export function escapeXml(s: string): string {
  return s.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const ARROWS = ['→', '↘', '↓', '↙', '←', '↖', '↑', '↗'];

/** The arrow glyph nearest to a direction (y down). */
export function arrow(dx: number, dy: number): string {
  const octant = Math.round(Math.atan2(dy, dx) / (Math.PI / 4));
  return ARROWS[(octant + 8) % 8]!;
}

/** Colour of a box of class `cls`. */
export function classColour(cls: string | undefined): string {
  return (cls !== undefined && CLASS_COLOURS[cls as TrafficClass]) || OTHER_COLOUR;
}

/** The overlay as an SVG document of `width` x `height` pixels. */
export function overlaySvg(o: Overlay, width: number, height: number): string {
  const px = (x: number) => (x * width).toFixed(1);
  const py = (y: number) => (y * height).toFixed(1);
  const pts = (ps: readonly Point[]) => ps.map(([x, y]) => `${px(x)},${py(y)}`).join(' ');
  // Sizes follow the picture width, with floors so small pictures stay readable.
  const font = Math.max(12, Math.round(width / 60));
  const thin = Math.max(2, Math.round(width / 400));
  const mid = Math.max(2, Math.round(width / 320));
  const label = (x: number, y: number, colour: string, text: string, anchor = 'start') =>
    `<text x="${x.toFixed(1)}" y="${y.toFixed(1)}"${anchor === 'start' ? '' : ` text-anchor="${anchor}"`} ${FONT} font-size="${font}" fill="${colour}" stroke="#000" stroke-width="0.6">${escapeXml(text)}</text>`;
  const parts: string[] = [];
  for (const p of o.polygons ?? []) {
    const c = p.colour ?? ZONE_COLOUR;
    const fill = p.dashed ? `fill="none" stroke-dasharray="10,6"` : `fill="${c}" fill-opacity="0.15"`;
    parts.push(`<polygon points="${pts(p.points)}" ${fill} stroke="${c}" stroke-width="${mid}"/>`);
    const first = p.points[0];
    if (p.label && first) parts.push(label(first[0] * width + 4, first[1] * height + font + 2, c, p.label));
  }
  for (const l of o.lines ?? []) {
    const c = l.colour ?? LINE_COLOUR;
    const ends = `x1="${px(l.a[0])}" y1="${py(l.a[1])}" x2="${px(l.b[0])}" y2="${py(l.b[1])}"`;
    // A dark edge keeps the line visible on bright and dark road alike.
    parts.push(`<line ${ends} stroke="#000" stroke-opacity="0.6" stroke-width="${mid + 2}"/>`);
    parts.push(`<line ${ends} stroke="${c}" stroke-width="${mid}"/>`);
    const mx = ((l.a[0] + l.b[0]) / 2) * width;
    const my = ((l.a[1] + l.b[1]) / 2) * height;
    // The name a quarter of the way along, clear of the side names at the middle.
    const qx = (0.75 * l.a[0] + 0.25 * l.b[0]) * width;
    const qy = (0.75 * l.a[1] + 0.25 * l.b[1]) * height;
    if (l.label) parts.push(label(qx + 4, qy - 4, c, l.label));
    if (l.sides) {
      const dx = (l.b[0] - l.a[0]) * width;
      const dy = (l.b[1] - l.a[1]) * height;
      const len = Math.hypot(dx, dy) || 1;
      // Right-hand normal of a→b with y pointing down.
      const nx = -dy / len;
      const ny = dx / len;
      const off = font * 1.6;
      for (const [k, name] of [
        [1, l.sides[0]],
        [-1, l.sides[1]],
      ] as const) {
        // Each name grows away from the line: on a steep line a name on its left ends there.
        const side = k * nx;
        const anchor = side < -0.3 ? 'end' : side > 0.3 ? 'start' : 'middle';
        const y = my + k * ny * off + font / 2;
        parts.push(label(mx + side * off, y, c, `${arrow(side, k * ny)} ${name}`, anchor));
      }
    }
  }
  for (const b of o.boxes ?? []) {
    const c = b.alert ? ALERT_COLOUR : classColour(b.cls);
    const x = b.x1 * width;
    const y = b.y1 * height;
    const w = Math.max(1, (b.x2 - b.x1) * width);
    const h = Math.max(1, (b.y2 - b.y1) * height);
    parts.push(
      `<rect x="${x.toFixed(1)}" y="${y.toFixed(1)}" width="${w.toFixed(1)}" height="${h.toFixed(1)}" fill="none" stroke="${c}" stroke-width="${b.alert ? 2 * thin : thin}"/>`,
    );
    if (b.trail && b.trail.length > 1) {
      parts.push(
        `<polyline points="${pts(b.trail)}" fill="none" stroke="${c}" stroke-width="${mid}" stroke-dasharray="6,4"/>`,
      );
    }
    // Above the box, or below it when it touches the top.
    if (b.label) parts.push(label(x, y > font + 4 ? y - 4 : y + h + font, c, b.label));
  }
  if (o.caption) {
    parts.push(`<rect x="0" y="0" width="${width}" height="${font + 12}" fill="#000" fill-opacity="0.6"/>`);
    parts.push(
      `<text x="8" y="${font + 4}" ${FONT} font-size="${font}" fill="#fff">${escapeXml(o.caption)}</text>`,
    );
  }
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">${parts.join('')}</svg>`;
}

/** A picture to draw on: encoded (JPEG, PNG: anything sharp reads) or raw RGB pixels. */
export type Picture = Buffer | { rgb: Buffer; width: number; height: number };

/** Draws the overlay onto the picture (scaled to `width` px wide when given); returns a JPEG. */
export async function annotate(
  picture: Picture,
  overlay: Overlay,
  opts: { width?: number; quality?: number } = {},
): Promise<Buffer> {
  let img: Sharp;
  let w: number;
  let h: number;
  if (Buffer.isBuffer(picture)) {
    img = sharp(picture);
    const meta = await img.metadata();
    if (!meta.width || !meta.height) throw new Error('annotate: picture without a size');
    w = meta.width;
    h = meta.height;
  } else {
    img = sharp(picture.rgb, { raw: { width: picture.width, height: picture.height, channels: 3 } });
    w = picture.width;
    h = picture.height;
  }
  if (opts.width !== undefined && opts.width !== w) {
    h = Math.max(1, Math.round((h * opts.width) / w));
    w = opts.width;
    img = img.resize(w, h);
  }
  const svg = Buffer.from(overlaySvg(overlay, w, h));
  return img
    .composite([{ input: svg, top: 0, left: 0 }])
    .jpeg({ quality: opts.quality ?? 85 })
    .toBuffer();
}
