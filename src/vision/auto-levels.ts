import type { FrameGeometry } from '../camera/frame.js';

/**
 * Spans of grey (the 1st to the 99th percentile of brightness) at or above LEVELS_FROM_SPAN are left as
 * they are; at or below LEVELS_FULL_SPAN the picture is stretched to OUT_LO..OUT_HI for the detector, and
 * in between partly. The clips the counts were developed on span 145 or more (UK rain, 145-154 from frame
 * to frame, is the narrowest) and are untouched: at 150 the UK clip was stretched a little on some frames,
 * and that alone moved a 10 fps count by 2 (dense scenes react to any change of input).
 * Haze, fog, spray and low sun flatten a picture into a narrow band where the detector, trained on
 * well-exposed photos, scores vehicles far lower: the UK rain clip at contrast 0.6 (span 87-89) counted 9
 * of the 20 vehicles going away at 0.8 at 10 fps, 11 on every frame; stretched, 20 and 22.
 */
export const LEVELS_FROM_SPAN = 135;
export const LEVELS_FULL_SPAN = 95;
const OUT_LO = 24;
const OUT_HI = 232;
/** More gain than this only multiplies noise (a dark night picture). */
const MAX_GAIN = 2.5;
/** Weight of each new frame's percentiles: the mapping follows the light over seconds, not frame to frame. */
const SMOOTH = 0.2;
const LOW = 0.01;
const HIGH = 0.99;
/** Every STEP-th pixel of every STEP-th row of the whole picture is measured. */
const STEP = 2;
/** Row steps down the picture, each with its own value table. */
export const LEVEL_STEPS = 32;
/** A step's mapping comes from the brightness of the rows within WINDOW steps of it (a sixth of the picture). */
const WINDOW = 2;
/**
 * Steps whose mid-greys spread over less than VEIL_FROM times a step's own span of grey share the whole
 * picture's mapping; from VEIL_FULL times on, each step has its own. Measured at 5 fps over the clips: NL,
 * Jakarta, the junction, the demo street 0.06-0.25; UK rain, clear or hazed, 0.50-0.56 (a bright sky over a
 * darker road); a glare veil from the top over NL 1.19-1.23, over UK rain 2.1-2.3.
 */
const VEIL_FROM = 0.75;
const VEIL_FULL = 1.15;

/** What the detector sees: the pixels as they are, stretched for the whole picture, or row band by row band. */
export type ContrastMode = 'as is' | 'haze' | 'glare';

/**
 * A camera's exposure normalisation for detection, `value * gain + offset` (clamped to 0..255) for every
 * pixel value the detector sees, from the brightness of its recent frames by the rule above. A haze
 * flattens the whole picture; a glare veil from low sun (or a lamp, a shadowed band) lifts and flattens
 * some rows far more than others, so the whole picture's span stays wide while the rows where the
 * vehicles are have little contrast left: then each row step is mapped from the rows around it. `lut`
 * holds LEVEL_STEPS tables of 256 values from the top of the measured picture (camera rows `top` to
 * `top + height`) to its bottom, or is undefined when the picture is left as it is. The detector reads a
 * frame's own mapping (snapshot(), taken as the frame is measured): it may preprocess a frame only after
 * later frames were measured, and the detections must not depend on that timing.
 */
export class AutoLevels {
  /** Each row step's mapping, top to bottom. */
  readonly gains = new Float32Array(LEVEL_STEPS).fill(1);
  readonly offsets = new Float32Array(LEVEL_STEPS);
  /** How far the steps are mapped on their own: 0, all as the whole picture; 1, each from its rows. */
  veil = 0;
  lut: Float32Array | undefined;
  /** The camera rows the tables span (tile 0's picture). */
  top = 0;
  height = 1;
  private readonly tables = new Float32Array(LEVEL_STEPS * 256);
  /** Smoothed percentiles: the steps' windows, then the whole picture at LEVEL_STEPS. */
  private readonly lo = new Float32Array(LEVEL_STEPS + 1).fill(Number.NaN);
  private readonly hi = new Float32Array(LEVEL_STEPS + 1).fill(Number.NaN);
  private readonly hist = new Uint32Array(LEVEL_STEPS * 256);
  private readonly counts = new Uint32Array(LEVEL_STEPS);
  private readonly window = new Uint32Array(256);
  private readonly whole = new Uint32Array(256);

  /** Measures a frame's picture (tile 0's content: the top-left of the frame) and updates the mapping. */
  update(data: Uint8Array, geometry: FrameGeometry): void {
    const { width, contentWidth, contentHeight } = geometry;
    if (contentHeight < LEVEL_STEPS || contentWidth < STEP) return;
    sampleRows(data, width, contentWidth, contentHeight, this.hist, this.counts);
    const t0 = geometry.tiles?.[0];
    this.top = t0 ? t0.cropY : 0;
    this.height = contentHeight / (t0 ? t0.scale : geometry.scale);
    // Each step's window of rows, slid down the picture: add the step entering it, drop the one leaving.
    this.window.fill(0);
    this.whole.fill(0);
    let n = 0;
    let all = 0;
    for (let s = 0; s < WINDOW; s++) n += this.enter(s);
    let spans = 0;
    let midLo = 255;
    let midHi = 0;
    for (let s = 0; s < LEVEL_STEPS; s++) {
      if (s + WINDOW < LEVEL_STEPS) n += this.enter(s + WINDOW);
      if (s - WINDOW - 1 >= 0) n -= this.leave(s - WINDOW - 1);
      all += this.counts[s]!;
      this.measure(s, this.window, n);
      const l = this.lo[s]!;
      const u = this.hi[s]!;
      spans += u - l;
      midLo = Math.min(midLo, (l + u) / 2);
      midHi = Math.max(midHi, (l + u) / 2);
    }
    this.measure(LEVEL_STEPS, this.whole, all);
    const g = levelsGain(this.lo[LEVEL_STEPS]!, this.hi[LEVEL_STEPS]!);
    const o = levelsOffset(this.lo[LEVEL_STEPS]!, this.hi[LEVEL_STEPS]!, g);
    // A veil: the steps' mid-greys lie further apart than a step's own span of grey.
    const uneven = (midHi - midLo) / Math.max(1, spans / LEVEL_STEPS);
    const veil = Math.min(1, Math.max(0, (uneven - VEIL_FROM) / (VEIL_FULL - VEIL_FROM)));
    this.veil = veil;
    let any = g !== 1 || o !== 0;
    for (let s = 0; s < LEVEL_STEPS; s++) {
      const gain = veil > 0 ? levelsGain(this.lo[s]!, this.hi[s]!) : 1;
      const offset = veil > 0 ? levelsOffset(this.lo[s]!, this.hi[s]!, gain) : 0;
      this.gains[s] = g + veil * (gain - g);
      this.offsets[s] = o + veil * (offset - o);
      if (veil > 0 && (gain !== 1 || offset !== 0)) any = true;
    }
    if (!any) {
      this.lut = undefined;
      return;
    }
    for (let s = 0; s < LEVEL_STEPS; s++)
      levelsLut(this.tables.subarray(s * 256, s * 256 + 256), this.gains[s]!, this.offsets[s]!);
    this.lut = this.tables;
  }

  /** The current mapping: none, the whole picture's (haze, fog, spray) or the row steps' own (a glare veil). */
  get mode(): ContrastMode {
    return !this.lut ? 'as is' : this.veil > 0 ? 'glare' : 'haze';
  }

  /** Adds step `s`'s histogram to the window and the whole picture's; its sample count. */
  private enter(s: number): number {
    const { window: win, whole, hist } = this;
    for (let v = 0, h = s * 256; v < 256; v++) {
      win[v]! += hist[h + v]!;
      whole[v]! += hist[h + v]!;
    }
    return this.counts[s]!;
  }

  /** Removes step `s`'s histogram from the window; its sample count. */
  private leave(s: number): number {
    const { window: win, hist } = this;
    for (let v = 0, h = s * 256; v < 256; v++) win[v]! -= hist[h + v]!;
    return this.counts[s]!;
  }

  /** Smooths the percentiles of histogram `hist` (`n` samples) into slot `at`. */
  private measure(at: number, hist: Uint32Array, n: number): void {
    if (n === 0) return;
    const lo = percentile(hist, n * LOW);
    const hi = percentile(hist, n * HIGH);
    const l = this.lo[at]!;
    const u = this.hi[at]!;
    this.lo[at] = Number.isNaN(l) ? lo : l + SMOOTH * (lo - l);
    this.hi[at] = Number.isNaN(u) ? hi : u + SMOOTH * (hi - u);
  }

  /** The current mapping copied into `into` (a reused snapshot): only while there is one (`lut`). */
  snapshot(into: LevelsSnapshot): LevelsSnapshot {
    if (!this.lut) throw new Error('auto-levels: no mapping to take a snapshot of');
    into.lut.set(this.lut);
    into.top = this.top;
    into.height = this.height;
    return into;
  }
}

/** One frame's mapping as the detector reads it (AutoLevels.snapshot): its tables and the rows they span. */
export class LevelsSnapshot {
  readonly lut = new Float32Array(LEVEL_STEPS * 256);
  top = 0;
  height = 1;

  /** The table step (fractional) of camera row `cropY`: bgrToChw's `lutFirst` for a tile starting there. */
  stepAt(cropY: number): number {
    return ((cropY - this.top) * LEVEL_STEPS) / this.height;
  }

  /** Table steps per tile row for a tile of `scale` tile pixels per camera pixel (`lutPerRow`). */
  stepsPerRow(scale: number): number {
    return LEVEL_STEPS / (this.height * scale);
  }
}

/**
 * Fills `hist` (LEVEL_STEPS histograms of 256) and `counts` with the brightness of every STEP-th pixel of
 * every STEP-th row of a picture `contentWidth` x `contentHeight` at the top left of frame rows `width`
 * pixels wide, each row into its row step's histogram. A function of its own, so V8 optimizes this loop
 * on its own feedback (compiled inside update() on the first frame, it was thrown away right after).
 */
function sampleRows(
  data: Uint8Array,
  width: number,
  contentWidth: number,
  contentHeight: number,
  hist: Uint32Array,
  counts: Uint32Array,
): void {
  hist.fill(0);
  counts.fill(0);
  const perRow = Math.ceil(contentWidth / STEP);
  for (let y = 0; y < contentHeight; y += STEP) {
    const step = Math.floor((y * LEVEL_STEPS) / contentHeight);
    const h = step * 256;
    for (let x = 0, p = y * width * 3; x < contentWidth; x += STEP, p += 3 * STEP) {
      // Luma, near enough: (B + 2G + R) / 4.
      hist[h + ((data[p]! + 2 * data[p + 1]! + data[p + 2]!) >> 2)]!++;
    }
    counts[step]! += perRow;
  }
}

/** The value below which `count` of the histogram's samples lie. */
function percentile(hist: Uint32Array, count: number): number {
  let c = 0;
  for (let v = 0; v < 256; v++) {
    c += hist[v]!;
    if (c >= count) return v;
  }
  return 255;
}

/** The gain for grey from `lo` to `hi`: 1 at or above LEVELS_FROM_SPAN, the full stretch at LEVELS_FULL_SPAN. */
function levelsGain(lo: number, hi: number): number {
  const span = Math.max(1, hi - lo);
  const w = stretch(span);
  return 1 + (Math.min(MAX_GAIN, (OUT_HI - OUT_LO) / span) - 1) * w;
}

/** The offset that goes with `gain` for grey from `lo` to `hi`. */
function levelsOffset(lo: number, hi: number, gain: number): number {
  const w = stretch(Math.max(1, hi - lo));
  return lo + (OUT_LO - lo) * w - lo * gain;
}

/** How far a span of grey is stretched: 0 (none) to 1 (fully). */
function stretch(span: number): number {
  return Math.min(1, Math.max(0, (LEVELS_FROM_SPAN - span) / (LEVELS_FROM_SPAN - LEVELS_FULL_SPAN)));
}

/** Fills `lut` (256 values) with `clamp(v * gain + offset, 0, 255)`. */
export function levelsLut(lut: Float32Array, gain: number, offset: number): Float32Array {
  for (let v = 0; v < 256; v++) {
    const o = v * gain + offset;
    lut[v] = o < 0 ? 0 : o > 255 ? 255 : o;
  }
  return lut;
}
