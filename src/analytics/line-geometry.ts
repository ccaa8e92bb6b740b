import type { LineConfig } from '../config/schema.js';

/**
 * A box edge or a line end this close to the frame's border (image fractions) is at the border. A line
 * drawn to the border goes on beyond the picture: a vehicle entering the picture there, already past the
 * line, crossed it out of view (the back-projected crossing lies past that end of the segment).
 */
const BORDER = 0.02;
export const LEFT = 1;
export const RIGHT = 2;
export const TOP = 4;
export const BOTTOM = 8;

/** The frame borders a point (or box edges: x1, y1, x2, y2) lies on, as bits. */
export function borders(x1: number, y1: number, x2: number, y2: number): number {
  return (
    (x1 <= BORDER ? LEFT : 0) |
    (x2 >= 1 - BORDER ? RIGHT : 0) |
    (y1 <= BORDER ? TOP : 0) |
    (y2 >= 1 - BORDER ? BOTTOM : 0)
  );
}

/**
 * How much a box of `w` x `h` differs in size from one of `w0` x `h0` (sizeChange), leaving out a
 * dimension the frame border cut on either box (`cut`: borders() bits of both): a vehicle leaving the
 * picture shrinks there as a box, it is not another detection taken for its track.
 */
export function sizeChangeInView(w: number, h: number, w0: number, h0: number, cut: number): number {
  const rw = w0 > 0 && (cut & (LEFT | RIGHT)) === 0 ? w / w0 : 1;
  const rh = h0 > 0 && (cut & (TOP | BOTTOM)) === 0 ? h / h0 : 1;
  return Math.max(rw, 1 / rw, rh, 1 / rh);
}

/** A counting line's segment in image fractions, and where boxes lie across and along it. */
export class LineGeometry {
  readonly ax: number;
  readonly ay: number;
  readonly bx: number;
  readonly by: number;
  /** Unit normal of a->b in image fractions (pointing to the right of a->b) and the segment length. */
  readonly nx: number;
  readonly ny: number;
  readonly len: number;
  readonly anchor: 'center' | 'bottom';

  constructor(line: Pick<LineConfig, 'points' | 'anchor'>) {
    const [a, b] = line.points;
    this.ax = a![0];
    this.ay = a![1];
    this.bx = b![0];
    this.by = b![1];
    this.len = Math.hypot(this.bx - this.ax, this.by - this.ay);
    this.nx = -(this.by - this.ay) / this.len;
    this.ny = (this.bx - this.ax) / this.len;
    this.anchor = line.anchor;
  }

  /** The frame borders the box of anchor (x, y), `w` x `h`, touches (borders() bits). */
  bordersOf(x: number, y: number, w: number, h: number): number {
    const top = this.anchor === 'bottom' ? y - h : y - h / 2;
    return borders(x - w / 2, top, x + w / 2, top + h);
  }

  /** A box's extent across the line (its size along the normal). */
  extentAcross(w: number, h: number): number {
    return Math.abs(this.nx) * w + Math.abs(this.ny) * h;
  }

  /** A box's extent along the line. */
  extentAlong(w: number, h: number): number {
    return Math.abs(this.ny) * w + Math.abs(this.nx) * h;
  }

  /** Where the point (x, y) lies along the line (image fractions, from an origin of its own). */
  alongOf(x: number, y: number): number {
    return this.ny * x - this.nx * y;
  }

  /** Signed distance of the box centre from the line, for an anchor at signed distance side / len. */
  centreDistance(side: number, h: number): number {
    const d = side / this.len;
    // A bottom-centre anchor is h / 2 below the centre: the centre is that much against the normal's y.
    return this.anchor === 'bottom' ? d - (this.ny * h) / 2 : d;
  }

  /** Overlap of two boxes' extents along the line, over the narrower one (0..1). */
  alongOverlap(
    ax1: number,
    ay1: number,
    ax2: number,
    ay2: number,
    bx1: number,
    by1: number,
    bx2: number,
    by2: number,
  ): number {
    // Along a->b: u = (ny, -nx) up to sign; a box projects onto [min, max] of u over its corners.
    const ux = this.ny;
    const uy = -this.nx;
    const a0 = Math.min(ux * ax1, ux * ax2) + Math.min(uy * ay1, uy * ay2);
    const a1 = Math.max(ux * ax1, ux * ax2) + Math.max(uy * ay1, uy * ay2);
    const b0 = Math.min(ux * bx1, ux * bx2) + Math.min(uy * by1, uy * by2);
    const b1 = Math.max(ux * bx1, ux * bx2) + Math.max(uy * by1, uy * by2);
    const inter = Math.min(a1, b1) - Math.max(a0, b0);
    const narrow = Math.min(a1 - a0, b1 - b0);
    return inter > 0 && narrow > 0 ? inter / narrow : 0;
  }

  /** Distance between two boxes' centres along the line, over the wider box's extent along it. */
  alongDistance(
    ax1: number,
    ay1: number,
    ax2: number,
    ay2: number,
    bx1: number,
    by1: number,
    bx2: number,
    by2: number,
  ): number {
    const ux = this.ny;
    const uy = -this.nx;
    const ca = (ux * (ax1 + ax2) + uy * (ay1 + ay2)) / 2;
    const cb = (ux * (bx1 + bx2) + uy * (by1 + by2)) / 2;
    const wide = Math.max(this.extentAlong(ax2 - ax1, ay2 - ay1), this.extentAlong(bx2 - bx1, by2 - by1));
    return wide > 0 ? Math.abs(ca - cb) / wide : Number.POSITIVE_INFINITY;
  }
}
