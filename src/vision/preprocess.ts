/**
 * Packed HWC uint8 BGR pixels → planar CHW float32 in a reused buffer, one pass over the pixels.
 * `rgb` swaps to R, G, B plane order (YOLOv8); `scale` multiplies every value (1 for YOLOX's 0..255,
 * 1/255 for YOLOv8). `pixels` = width x rows; the rows are `stride` bytes apart in `src` (a tile at the left
 * of a wider frame), contiguous by default. With `lut` (AutoLevels: one or more tables of 256 values, one
 * per row step down the picture) each byte `v` of row `r` is read as `lut[256 * s + v]` (then scaled), `s`
 * the step `lutFirst + lutPerRow * (r + 0.5)` rounded down and held to the tables there are. Every value
 * goes through a 256-entry table: no slower than a multiply.
 */
export function bgrToChw(
  src: Uint8Array,
  dst: Float32Array,
  pixels: number,
  rgb: boolean,
  scale: number,
  width = pixels,
  stride = width * 3,
  lut?: Float32Array,
  lutFirst = 0,
  lutPerRow = 0,
): void {
  const rows = pixels / width;
  if (!Number.isInteger(rows)) throw new Error(`${pixels} pixels are not rows of ${width}`);
  const need = rows > 0 ? (rows - 1) * stride + width * 3 : 0;
  if (src.length < need) throw new Error(`frame has ${src.length} bytes, expected ${need}`);
  if (dst.length < pixels * 3)
    throw new Error(`input buffer holds ${dst.length} values, expected ${pixels * 3}`);
  // One 32-bit view of the whole source for the fast path (rows start 4-byte aligned when stride is a
  // multiple of 4), made once per call.
  const aligned = src.byteOffset % 4 === 0 && stride % 4 === 0;
  const words = aligned ? new Uint32Array(src.buffer, src.byteOffset, Math.floor(src.length / 4)) : undefined;
  const values = valueTable(lut, scale);
  const steps = lut ? lut.length >> 8 : 1;
  if (steps > 1) {
    // A table per row step: row by row, each row its step's table.
    for (let r = 0; r < rows; r++) {
      const s = Math.min(steps - 1, Math.max(0, Math.floor(lutFirst + lutPerRow * (r + 0.5))));
      convertRun(src, words, r * stride, dst, r * width, width, pixels, rgb, values, s << 8);
    }
    return;
  }
  // Contiguous rows are one run.
  const runs = stride === width * 3 ? 1 : rows;
  const n = runs === 1 ? pixels : width;
  for (let r = 0; r < runs; r++)
    convertRun(src, words, r * stride, dst, r * width, n, pixels, rgb, values, 0);
}

/** `v * scale` for each byte value, kept between calls while the scale stays. */
const identity = new Float32Array(256);
let identityScale = Number.NaN;
/** A lookup times the scale, rebuilt each call (the lookup changes with the light); grown, never shrunk. */
let scaled = new Float32Array(256);

/** What each byte value becomes: `lut[v] * scale` (each of the lookup's tables), or `v * scale`. */
function valueTable(lut: Float32Array | undefined, scale: number): Float32Array {
  if (!lut) {
    if (scale !== identityScale) {
      for (let v = 0; v < 256; v++) identity[v] = v * scale;
      identityScale = scale;
    }
    return identity;
  }
  if (scale === 1) return lut;
  if (scaled.length < lut.length) scaled = new Float32Array(lut.length);
  for (let i = 0; i < lut.length; i++) scaled[i] = lut[i]! * scale;
  return scaled;
}

/**
 * Converts `n` pixels from byte `from` of `src` to CHW positions `at`.. of planes `plane` values long, each
 * byte through the 256 values of `values` from `v`.
 */
function convertRun(
  src: Uint8Array,
  words: Uint32Array | undefined,
  from: number,
  dst: Float32Array,
  at: number,
  n: number,
  plane: number,
  rgb: boolean,
  values: Float32Array,
  v: number,
): void {
  const b = (rgb ? 2 * plane : 0) + at;
  const g = plane + at;
  const r = (rgb ? 0 : 2 * plane) + at;
  let i = 0;
  if (words) {
    // Four pixels (12 bytes) per step as three little-endian 32-bit words: a third of the loads of a
    // byte loop, and no per-byte bounds checks. Words: [B0 G0 R0 B1] [G1 R1 B2 G2] [R2 B3 G3 R3].
    const quads = n >> 2;
    for (let q = 0, w = from >> 2; q < quads; q++, w += 3, i += 4) {
      const w0 = words[w]!;
      const w1 = words[w + 1]!;
      const w2 = words[w + 2]!;
      dst[b + i] = values[v + (w0 & 255)]!;
      dst[g + i] = values[v + ((w0 >>> 8) & 255)]!;
      dst[r + i] = values[v + ((w0 >>> 16) & 255)]!;
      dst[b + i + 1] = values[v + (w0 >>> 24)]!;
      dst[g + i + 1] = values[v + (w1 & 255)]!;
      dst[r + i + 1] = values[v + ((w1 >>> 8) & 255)]!;
      dst[b + i + 2] = values[v + ((w1 >>> 16) & 255)]!;
      dst[g + i + 2] = values[v + (w1 >>> 24)]!;
      dst[r + i + 2] = values[v + (w2 & 255)]!;
      dst[b + i + 3] = values[v + ((w2 >>> 8) & 255)]!;
      dst[g + i + 3] = values[v + ((w2 >>> 16) & 255)]!;
      dst[r + i + 3] = values[v + (w2 >>> 24)]!;
    }
  }
  for (let s = from + i * 3; i < n; i++, s += 3) {
    dst[b + i] = values[v + src[s]!]!;
    dst[g + i] = values[v + src[s + 1]!]!;
    dst[r + i] = values[v + src[s + 2]!]!;
  }
}
