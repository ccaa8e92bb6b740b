import { type FrameGeometry, tileHolds } from '../camera/frame.js';
import type { LineConfig } from '../config/schema.js';
import { RowSizeModel } from '../tracking/row-size.js';
import type { Detection } from '../vision/detection.js';

/**
 * Below about this many model pixels tall (rider included), motorcycles are missed often enough that a
 * line's counts fall short. On the Jakarta clip, each line alone with the default budget (this estimate;
 * motorcycles counted at 10 fps / every frame, of 22 by hand at 0.7 and 0.9): 0.6 of the height 29 px, 16 /
 * 13; 0.65 33 px, 19 / 19; 0.7 38 px, 21 / 20; 0.8 52 px; 0.9 65 px, 23 / 22. Midway between the last
 * line that lost more than 10 % and the first that held (docs/analytics.md, "How high a line can go").
 */
export const SMALL_TWO_WHEELER_PX = 36;

/**
 * Two-wheeler boxes scored at least this are learnt from (their height, not their class, is what is
 * learnt). Lower than for cars: with the regions on a line high in the picture, motorcycles lower down are
 * seen by the whole picture alone, at a small scale, and few score 0.5 (37 in the Jakarta clip).
 */
const HEIGHT_SCORE = 0.3;
/**
 * Share of two-wheeler boxes within 20 % of the height at their row: lower than for cars' widths (a
 * rider alone, a pillion, a bicycle, a bike seen from the side are not all one height).
 */
const HEIGHT_FIT_SHARE = 0.6;

/** How tall two-wheelers are where they cross one counting line. */
export interface LineSize {
  line: string;
  /** Share of the picture's height, % (null: not enough two-wheelers seen yet). */
  heightPct: number | null;
  /** Model input pixels at the scale detection runs at on the line (automatic region or whole picture). */
  modelPx: number | null;
  /** `small`: below SMALL_TWO_WHEELER_PX, many will be missed; `unknown`: not enough two-wheelers seen. */
  status: 'ok' | 'small' | 'unknown';
}

/** What a technician reads of a line's size (logs, `ioc-edge analyze`). */
export function describeLineSize(s: LineSize): string {
  const size = `motorcycles crossing it are about ${s.modelPx} model pixels tall (${s.heightPct} % of the picture)`;
  if (s.status === 'unknown')
    return `line ${s.line}: too few two-wheelers seen yet to tell how tall they are`;
  if (s.status === 'ok') return `line ${s.line}: ${size}, large enough to be counted`;
  return (
    `line ${s.line}: ${size}, too small to be counted well (${SMALL_TWO_WHEELER_PX} or more counts well): ` +
    'draw the line lower in the picture, nearer the camera, or raise detect.regionWidth'
  );
}

/**
 * A camera's two-wheeler height per picture row, learnt from the detector's motorcycle and bicycle
 * boxes (RowSizeModel: perspective makes it linear in the row), and what that means for each counting
 * line: the model pixels a motorcycle gets where it crosses. A line drawn high in the picture, where
 * motorcycles are too small to be seen reliably, is found from the motorcycles seen lower down, even when
 * none is detected at the line itself.
 */
export class TwoWheelerSizes {
  private readonly model = new RowSizeModel({
    measure: 'height',
    minScore: HEIGHT_SCORE,
    minFitShare: HEIGHT_FIT_SHARE,
    // Two-wheeler boxes are fewer than cars' (about 160 in a 20 s clip of dense traffic at 10 fps).
    minSamples: 100,
  });

  /** Learns from one inferred frame's detections. */
  add(detections: readonly Detection[]): void {
    for (let i = 0; i < detections.length; i++) {
      const d = detections[i]!;
      if (d.cls === 'motorcycle' || d.cls === 'bicycle') this.model.add(d.score, d.x1, d.y1, d.x2, d.y2);
    }
  }

  /** Each line's two-wheeler size, at the scale `geometry` gives detection around the line's middle. */
  report(
    lines: readonly Pick<LineConfig, 'id' | 'points' | 'anchor'>[],
    geometry: FrameGeometry,
  ): LineSize[] {
    return lines.map((l) => {
      let x = 0;
      let y = 0;
      for (const [px, py] of l.points) {
        x += px;
        y += py;
      }
      x /= l.points.length;
      y /= l.points.length;
      const h = this.heightAt(y, l.anchor === 'bottom');
      if (!Number.isFinite(h)) return { line: l.id, heightPct: null, modelPx: null, status: 'unknown' };
      const px = h * geometry.srcHeight * scaleAt(geometry, x, y);
      return {
        line: l.id,
        heightPct: Math.round(h * 1000) / 10,
        modelPx: Math.round(px),
        status: px < SMALL_TWO_WHEELER_PX ? 'small' : 'ok',
      };
    });
  }

  /**
   * Height (fraction of the picture) of a two-wheeler whose anchor is on row `y`: its bottom edge, or its
   * centre, whose bottom is then half its height lower (found in a few steps).
   */
  private heightAt(y: number, bottom: boolean): number {
    let h = this.model.at(y);
    if (bottom) return h;
    for (let i = 0; i < 3 && h > 0; i++) h = this.model.at(y + h / 2);
    return h;
  }
}

/**
 * Model pixels per camera pixel at a point (fractions of the picture): the finest inferred tile that holds
 * it (an automatic region runs while small road users are around), else the whole picture's.
 */
export function scaleAt(g: FrameGeometry, x: number, y: number): number {
  if (!g.tiles) return g.scale;
  const cx = x * g.srcWidth;
  const cy = y * g.srcHeight;
  let best = 0;
  for (const t of g.tiles) {
    if (t.infer && t.scale > best && tileHolds(t, cx, cy)) best = t.scale;
  }
  return best > 0 ? best : g.scale;
}
