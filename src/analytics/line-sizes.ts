import { type FrameGeometry, type FrameTile, tileHolds } from '../camera/frame.js';
import type { LineConfig } from '../config/schema.js';
import { RowSizeModel, RowWidthModel } from '../tracking/row-size.js';
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

/**
 * A motorcycle with its rider is about this many times as tall (camera pixels) as a car is wide at the
 * same row: 0.74-0.78 on the Jakarta clip at rows 0.7-0.9 (both learnt from the clip's boxes). Used where
 * two-wheelers ride but too few are detected to learn their heights: a line drawn so high that the
 * detector misses nearly every motorcycle there would otherwise get no warning at all.
 */
export const TWO_WHEELER_PER_CAR_WIDTH = 0.75;
/** Two-wheeler boxes (scored HEIGHT_SCORE) seen before their size may be estimated from the cars'. */
const SEEN_TO_ESTIMATE = 30;

/**
 * What a small line's regions are sized to when the technician raises detect.regionWidth: a margin over
 * SMALL_TWO_WHEELER_PX. On the Jakarta clip a full-width line at 0.55 of the height (motorcycles 21 model
 * px at the default 960, 7 of about 21 counted) counted 14 at 1600 and 20 at 1920 (~39 px); at 0.6 (29 px,
 * 15 counted) 22 at 1280.
 */
const SUGGEST_PX = 42;
/**
 * Below this many camera pixels tall, upscaling does not bring motorcycles back: at 0.5 of the height on
 * the Jakarta clip (about 19 px) a region at 1.85 model px per camera px counted 7 motorcycles.
 */
export const MIN_CAMERA_PX = 21;

/** How tall two-wheelers are where they cross one counting line. */
export interface LineSize {
  line: string;
  /** Share of the picture's height, % (null: not enough two-wheelers seen yet). */
  heightPct: number | null;
  /** Model input pixels at the scale detection runs at on the line (automatic region or whole picture). */
  modelPx: number | null;
  /** `small`: below SMALL_TWO_WHEELER_PX, many will be missed; `unknown`: not enough two-wheelers seen. */
  status: 'ok' | 'small' | 'unknown';
  /**
   * What the height was learnt from: the two-wheelers' boxes, or (too few of those detected well) the
   * cars' widths at the line's row (TWO_WHEELER_PER_CAR_WIDTH). Absent when unknown.
   */
  from?: 'two-wheelers' | 'cars';
  /**
   * For a small line: the detect.regionWidth that would give its motorcycles SUGGEST_PX model pixels (null:
   * too few camera pixels for upscaling to help, MIN_CAMERA_PX).
   */
  regionWidth?: number | null;
  /**
   * ... and the detect.budget that regions at that width need (every region of the camera grows with it),
   * when the line is in an automatic region; at most the schema's 8.
   */
  budget?: number;
  /**
   * The gateway is about to grow its automatic detection regions for this small line
   * (pipeline/region-sizing.ts): its warning waits until they have grown (or will not).
   */
  sizing?: true;
}

/** What a technician reads of a line's size (logs, `ioc-edge analyze`). */
export function describeLineSize(s: LineSize): string {
  const size =
    s.from === 'cars'
      ? `motorcycles crossing it would be about ${s.modelPx} model pixels tall (${s.heightPct} % of the picture; estimated from the cars' widths, too few motorcycles detected to measure)`
      : `motorcycles crossing it are about ${s.modelPx} model pixels tall (${s.heightPct} % of the picture)`;
  if (s.status === 'unknown')
    return `line ${s.line}: too few two-wheelers seen yet to tell how tall they are`;
  if (s.status === 'ok') return `line ${s.line}: ${size}, large enough to be counted`;
  const fix =
    s.regionWidth === null
      ? "draw the line lower in the picture, nearer the camera (they are too few of the camera's pixels for larger detection regions to help), or zoom the camera in"
      : `draw the line lower in the picture, nearer the camera, or raise detect.regionWidth${s.regionWidth ? ` to about ${s.regionWidth}${s.budget ? ` with detect.budget at ${s.budget} or more` : ''}` : ''}`;
  return `line ${s.line}: ${size}, too small to be counted well (${SMALL_TWO_WHEELER_PX} or more counts well): ${fix}`;
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
  /** Cars' widths per row: where two-wheelers ride but few are detected (TWO_WHEELER_PER_CAR_WIDTH). */
  private readonly cars = new RowWidthModel();
  /** Two-wheeler boxes scored HEIGHT_SCORE or more so far. */
  private seen = 0;

  /** Learns from one inferred frame's detections. */
  add(detections: readonly Detection[]): void {
    for (let i = 0; i < detections.length; i++) {
      const d = detections[i]!;
      if (d.cls === 'motorcycle' || d.cls === 'bicycle') {
        this.model.add(d.score, d.x1, d.y1, d.x2, d.y2);
        if (d.score >= HEIGHT_SCORE) this.seen++;
      } else if (d.cls === 'car') this.cars.add(d.score, d.x1, d.y1, d.x2, d.y2);
    }
  }

  /**
   * Each line's two-wheeler size, at the scale `geometry` gives detection around the line's middle. With
   * `basis` 'cars', estimated from the cars' widths even where the two-wheelers' own fit is ready (null
   * sizes where the cars do not tell: a cross-check, region-sizing.ts).
   */
  report(
    lines: readonly Pick<LineConfig, 'id' | 'points' | 'anchor'>[],
    geometry: FrameGeometry,
    basis?: 'cars',
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
      const from = basis === 'cars' ? this.carBasis() : this.basis();
      const perCar = (TWO_WHEELER_PER_CAR_WIDTH * geometry.srcWidth) / geometry.srcHeight;
      const h = from ? this.heightAt(y, l.anchor === 'bottom', from === 'cars' ? perCar : 0) : Number.NaN;
      if (!Number.isFinite(h)) return { line: l.id, heightPct: null, modelPx: null, status: 'unknown' };
      const cameraPx = h * geometry.srcHeight;
      const scale = scaleAt(geometry, x, y);
      const px = cameraPx * scale;
      const small = px < SMALL_TWO_WHEELER_PX;
      const size: LineSize = {
        line: l.id,
        heightPct: Math.round(h * 1000) / 10,
        modelPx: Math.round(px),
        status: small ? 'small' : 'ok',
        from,
      };
      // What regionWidth to try, only where it sizes the line's region (not hand tiles, not the whole
      // picture alone, where it changes nothing).
      if (small && cameraPx < MIN_CAMERA_PX) size.regionWidth = null;
      else if (small && inAutomaticRegion(geometry, x, y)) {
        const wanted = SUGGEST_PX / cameraPx;
        size.regionWidth = Math.ceil((wanted * geometry.srcWidth) / 64) * 64;
        size.budget = budgetFor(geometry.tiles!, scale, wanted);
      }
      return size;
    });
  }

  /**
   * Height (fraction of the picture) of a two-wheeler with its rider whose box ends on row `y2`, fitted to
   * the two-wheelers' own boxes (RowSizeModel.fitAt); NaN until enough were seen.
   */
  heightAtRow(y2: number): number {
    return this.model.fitAt(y2);
  }

  /** Where two-wheeler heights come from now, if anywhere. */
  private basis(): LineSize['from'] {
    if (Number.isFinite(this.model.at(0.5))) return 'two-wheelers';
    return this.carBasis();
  }

  private carBasis(): LineSize['from'] {
    return this.seen >= SEEN_TO_ESTIMATE && Number.isFinite(this.cars.at(0.5)) ? 'cars' : undefined;
  }

  /**
   * Height (fraction of the picture) of a two-wheeler whose anchor is on row `y`: its bottom edge, or its
   * centre, whose bottom is then half its height lower (found in a few steps). From the cars' widths
   * times `perCar` (height per width, in picture fractions) when that is not 0.
   */
  private heightAt(y: number, bottom: boolean, perCar: number): number {
    const at = (y2: number) => (perCar > 0 ? perCar * this.cars.at(y2) : this.model.at(y2));
    let h = at(y);
    if (bottom) return h;
    for (let i = 0; i < 3 && h > 0; i++) h = at(y + h / 2);
    return h;
  }
}

/** Most detect.budget the config takes. */
const MAX_BUDGET = 8;

/**
 * The detect.budget (to half a whole picture) the automatic regions among `tiles` (tile 0 the whole
 * picture) need when all of them, inferred at `scale` now, are scaled to `wanted` model px per camera px.
 */
function budgetFor(tiles: readonly FrameTile[], scale: number, wanted: number): number {
  let regions = 0;
  for (let i = 1; i < tiles.length; i++) {
    const t = tiles[i]!;
    if (t.infer) regions += t.width * t.tileHeight;
  }
  const whole = tiles[0]!.width * tiles[0]!.tileHeight;
  const grow = (wanted / scale) ** 2;
  return Math.min(MAX_BUDGET, Math.ceil(2 * (1 + (regions * grow) / whole)) / 2);
}

/** Whether the finest inferred tile holding a point (fractions of the picture) is an automatic region. */
function inAutomaticRegion(g: FrameGeometry, x: number, y: number): boolean {
  if (!g.tiles) return false;
  let best: FrameTile | undefined;
  for (const t of g.tiles) {
    if (t.infer && t.scale > (best?.scale ?? 0) && tileHolds(t, x * g.srcWidth, y * g.srcHeight)) best = t;
  }
  return best?.gated === true;
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
