import type { Frame } from '../camera/frame.js';
import type { TrafficClass } from '../domain/traffic.js';
import type { Track } from '../tracking/track.js';
import type { Incident } from './events.js';

export interface EvidenceBox {
  x1: number;
  y1: number;
  x2: number;
  y2: number;
  /** Undefined for an object the detector does not know (Incident.box). */
  cls?: TrafficClass;
  label: string;
  /** Part of the incident (drawn in red with its trail). */
  involved: boolean;
  trail: [number, number][];
}

/**
 * What an evidence picture is drawn from: a copy of the frame's picture (RGB, camera image area only,
 * detector resolution) and the overlay geometry in fractions of the camera image. Taken synchronously
 * while the frame is held, rendered to JPEG later off the hot path.
 */
export interface EvidenceSnapshot {
  incident: Incident;
  width: number;
  height: number;
  rgb: Buffer;
  boxes: EvidenceBox[];
  zone?: readonly (readonly [number, number])[];
}

/** Copies the frame (BGR24, letterboxed) into an RGB picture of the camera area with the overlay data. */
export function captureEvidence(
  frame: Frame,
  incident: Incident,
  tracks: readonly Track[],
  zone: readonly (readonly [number, number])[] | undefined,
): EvidenceSnapshot {
  const g = frame.geometry;
  const w = Math.max(1, Math.min(g.contentWidth, g.width));
  const h = Math.max(1, Math.min(g.contentHeight, g.height));
  const rgb = Buffer.allocUnsafe(w * h * 3);
  const src = frame.data;
  for (let y = 0; y < h; y++) {
    let s = y * g.width * 3;
    let d = y * w * 3;
    for (let x = 0; x < w; x++, s += 3, d += 3) {
      rgb[d] = src[s + 2]!;
      rgb[d + 1] = src[s + 1]!;
      rgb[d + 2] = src[s]!;
    }
  }
  const involved = new Set(incident.trackIds);
  const boxes: EvidenceBox[] = [];
  for (const t of tracks) {
    if (!t.confirmed) continue;
    const inv = involved.has(t.id);
    boxes.push({
      x1: t.bx1,
      y1: t.by1,
      x2: t.bx2,
      y2: t.by2,
      cls: t.cls,
      label: `${t.cls} #${t.id}`,
      involved: inv,
      trail: inv ? t.trailPoints() : [],
    });
  }
  if (incident.box) {
    const [x1, y1, x2, y2] = incident.box;
    boxes.push({ x1, y1, x2, y2, label: 'object', involved: true, trail: [] });
  }
  const t0 = g.fullView === false ? g.tiles?.[0] : undefined;
  if (t0) {
    // Tile 0 is a crop of the camera image: the picture shows only the crop, so the overlay moves with it.
    const ox = t0.cropX / g.srcWidth;
    const oy = t0.cropY / g.srcHeight;
    const kx = g.srcWidth / t0.cropWidth;
    const ky = g.srcHeight / t0.cropHeight;
    const fx = (x: number) => (x - ox) * kx;
    const fy = (y: number) => (y - oy) * ky;
    for (const b of boxes) {
      b.x1 = fx(b.x1);
      b.x2 = fx(b.x2);
      b.y1 = fy(b.y1);
      b.y2 = fy(b.y2);
      b.trail = b.trail.map(([x, y]) => [fx(x), fy(y)]);
    }
    zone = zone?.map(([x, y]) => [fx(x), fy(y)] as const);
  }
  return { incident, width: w, height: h, rgb, boxes, zone };
}
