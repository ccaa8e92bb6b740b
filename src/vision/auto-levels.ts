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

/**
 * A camera's exposure normalisation for detection: `value * gain + offset` for every pixel value the
 * detector sees (clamped to 0..255, looked up in `lut`), from the brightness of its recent frames. Gain 1,
 * offset 0: untouched, and `lut` undefined. A frame in flight may be read with the next frame's mapping:
 * it moves by a fraction (SMOOTH) of the change in light per frame.
 */
export class AutoLevels {
  gain = 1;
  offset = 0;
  /** The mapping as a lookup, when it is not the identity. */
  lut: Float32Array | undefined;
  private readonly table = new Float32Array(256);
  private lo = Number.NaN;
  private hi = Number.NaN;
  private readonly hist = new Uint32Array(256);

  /** Measures a frame's whole picture (tile 0's content: the top-left of the frame) and updates the mapping. */
  update(data: Uint8Array, geometry: FrameGeometry): void {
    const { width, contentWidth, contentHeight } = geometry;
    const hist = this.hist;
    hist.fill(0);
    let n = 0;
    for (let y = 0; y < contentHeight; y += STEP) {
      const row = y * width * 3;
      for (let x = 0, p = row; x < contentWidth; x += STEP, p += 3 * STEP) {
        // Luma, near enough: (B + 2G + R) / 4.
        hist[(data[p]! + 2 * data[p + 1]! + data[p + 2]!) >> 2]!++;
        n++;
      }
    }
    if (n === 0) return;
    const lo = percentile(hist, n * LOW);
    const hi = percentile(hist, n * HIGH);
    this.lo = Number.isNaN(this.lo) ? lo : this.lo + SMOOTH * (lo - this.lo);
    this.hi = Number.isNaN(this.hi) ? hi : this.hi + SMOOTH * (hi - this.hi);
    const span = Math.max(1, this.hi - this.lo);
    const w = Math.min(1, Math.max(0, (LEVELS_FROM_SPAN - span) / (LEVELS_FROM_SPAN - LEVELS_FULL_SPAN)));
    const full = Math.min(MAX_GAIN, (OUT_HI - OUT_LO) / span);
    this.gain = 1 + (full - 1) * w;
    this.offset = this.lo + (OUT_LO - this.lo) * w - this.lo * this.gain;
    this.lut = w > 0 ? levelsLut(this.table, this.gain, this.offset) : undefined;
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

/** Fills `lut` (256 values) with `clamp(v * gain + offset, 0, 255)`. */
export function levelsLut(lut: Float32Array, gain: number, offset: number): Float32Array {
  for (let v = 0; v < 256; v++) {
    const o = v * gain + offset;
    lut[v] = o < 0 ? 0 : o > 255 ? 255 : o;
  }
  return lut;
}
