import type { Line, Point, Region, Zone } from '../api.js';
import { h, svg } from '../dom.js';
import { t } from '../i18n.js';

/** The detection regions, as snapshots and `analyze --explain` draw them. */
const REGION_COLOUR = '#ff4081';

export const ZONE_COLOUR: Record<string, string> = {
  carriageway: '#2979ff',
  no_stopping: '#ff1744',
  parking: '#00e676',
  sidewalk: '#e040fb',
  generic: '#ffffff',
};

/**
 * Draws the gateway's detection regions (dashed), the zones, the lines and the points being placed over
 * the picture: shapes in the SVG `overlay`, names and direction labels in HTML on the `stage`.
 */
export function drawOverlay(
  overlay: SVGSVGElement,
  stage: HTMLElement,
  img: HTMLImageElement,
  lines: readonly Line[],
  zones: readonly Zone[],
  pending: readonly Point[],
  regions: readonly Region[] = [],
): void {
  const parts: SVGElement[] = [];
  const P = (p: Point) => [p[0] * 1000, p[1] * 1000] as const;
  for (const { rect } of regions) {
    parts.push(
      svg('rect', {
        class: 'region',
        x: rect[0] * 1000,
        y: rect[1] * 1000,
        width: (rect[2] - rect[0]) * 1000,
        height: (rect[3] - rect[1]) * 1000,
        fill: 'none',
        stroke: REGION_COLOUR,
        'stroke-width': 2,
        'stroke-dasharray': '10 6',
        'vector-effect': 'non-scaling-stroke',
      }),
    );
  }
  for (const z of zones) {
    const c = ZONE_COLOUR[z.kind] ?? '#fff';
    parts.push(
      svg('polygon', {
        points: z.polygon.map((p) => P(p).join(',')).join(' '),
        fill: c,
        'fill-opacity': 0.2,
        stroke: c,
        'stroke-width': 3,
        'vector-effect': 'non-scaling-stroke',
      }),
    );
  }
  for (const l of lines) {
    const [a, b] = [P(l.points[0]), P(l.points[1])];
    parts.push(
      svg('line', {
        x1: a[0],
        y1: a[1],
        x2: b[0],
        y2: b[1],
        stroke: '#ffd600',
        'stroke-width': 4,
        'stroke-linecap': 'round',
        'vector-effect': 'non-scaling-stroke',
      }),
    );
    parts.push(dot(a, '#ffd600'), dot(b, '#ffd600'));
  }
  if (pending.length > 0) {
    const pts = pending.map((p) => P(p).join(',')).join(' ');
    parts.push(
      svg('polyline', {
        points: pts,
        fill: 'none',
        stroke: '#fff',
        'stroke-width': 2,
        'stroke-dasharray': '6 4',
        'vector-effect': 'non-scaling-stroke',
      }),
    );
    for (const p of pending) parts.push(dot(P(p), '#fff'));
  }
  overlay.replaceChildren(...parts);
  // Labels in HTML over the SVG: text in a stretched SVG would be distorted.
  for (const el of stage.querySelectorAll('.label')) el.remove();
  for (const l of lines) labelsFor(stage, img, l);
  for (const z of zones) label(stage, z.polygon[0]!, z.id, ZONE_COLOUR[z.kind] ?? '#fff', 8, 8);
  // Outside the region, clear of the line's labels inside it: above it, else left of its top corner
  // (a band around a vertical line), else inside that corner.
  for (const { rect, width, height } of regions) {
    const text = `${t('detection')} ${width}x${height}`;
    const corner: Point = [rect[0], rect[1]];
    if (rect[1] > 0.1) label(stage, corner, text, REGION_COLOUR, 6, -20);
    else if (rect[0] > 0.25) label(stage, corner, text, REGION_COLOUR, -6, 4, -100);
    else label(stage, corner, text, REGION_COLOUR, 6, 4);
  }
}

function labelsFor(stage: HTMLElement, img: HTMLImageElement, l: Line): void {
  const r = img.getBoundingClientRect();
  const w = r.width || 1;
  const hgt = r.height || 1;
  const [a, b] = l.points;
  const dx = (b[0] - a[0]) * w;
  const dy = (b[1] - a[1]) * hgt;
  const len = Math.hypot(dx, dy) || 1;
  // Right-hand normal of A→B with y down: crossing to this side counts as directions[0].
  const nx = -dy / len;
  const ny = dx / len;
  const mid: Point = [(a[0] + b[0]) / 2, (a[1] + b[1]) / 2];
  // Above each end, or below it at the top of the picture (out of sight there).
  label(stage, a, `A ${l.id}`, '#ffd600', 4, a[1] < 0.06 ? 4 : -22);
  label(stage, b, 'B', '#ffd600', 4, b[1] < 0.06 ? 4 : -22);
  // Each direction's name on its side, 28 px out, its box on that side of the point (the two names of a
  // vertical line overlapped in the middle when both started at the same offset).
  for (const [sx, sy, name] of [
    [nx, ny, l.directions[0]],
    [-nx, -ny, l.directions[1]],
  ] as const) {
    label(stage, mid, `${arrow(sx, sy)} ${name}`, '#ffd600', sx * 28, sy * 28, side(sx), side(sy));
  }
}

/** Where a label's box goes from its point along one axis, for a direction `v` (-1..1): before, centred, after. */
function side(v: number): number {
  return v < -0.3 ? -100 : v > 0.3 ? 0 : -50;
}

/** A label at `p` moved by `ox`, `oy` px, its box shifted by `tx`, `ty` % of its own size. */
function label(
  stage: HTMLElement,
  p: Point,
  text: string,
  colour: string,
  ox: number,
  oy: number,
  tx = 0,
  ty = 0,
): void {
  const shift = tx || ty ? `;transform:translate(${tx}%,${ty}%)` : '';
  stage.append(
    h(
      'span',
      {
        class: 'label',
        style: `left:calc(${p[0] * 100}% + ${ox}px);top:calc(${p[1] * 100}% + ${oy}px);color:${colour}${shift}`,
      },
      text,
    ),
  );
}

function dot(p: readonly [number, number], colour: string): SVGElement {
  return svg('circle', {
    cx: p[0],
    cy: p[1],
    r: 6,
    fill: colour,
    stroke: '#000',
    'stroke-width': 1,
    'vector-effect': 'non-scaling-stroke',
  });
}

const ARROWS = ['→', '↘', '↓', '↙', '←', '↖', '↑', '↗'];

/** The arrow glyph nearest to a direction (y down), as the box draws it on snapshots. */
function arrow(dx: number, dy: number): string {
  return ARROWS[(Math.round(Math.atan2(dy, dx) / (Math.PI / 4)) + 8) % 8]!;
}
