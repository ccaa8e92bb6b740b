/**
 * Packed HWC uint8 BGR pixels → planar CHW float32 in a reused buffer, one pass over the pixels.
 * `rgb` swaps to R, G, B plane order (YOLOv8); `scale` multiplies every value (1 for YOLOX's 0..255,
 * 1/255 for YOLOv8). `pixels` = width x rows; the rows are `stride` bytes apart in `src` (a tile at the left
 * of a wider frame), contiguous by default. With `lut` (256 values, AutoLevels) each byte `v` is read as
 * `lut[v]` (then scaled). Every value goes through one 256-entry table: no slower than a multiply.
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
  // Contiguous rows are one run.
  const runs = stride === width * 3 ? 1 : rows;
  const n = runs === 1 ? pixels : width;
  for (let r = 0; r < runs; r++) convertRun(src, words, r * stride, dst, r * width, n, pixels, rgb, values);
}

/** What each byte value becomes: `lut[v] * scale`, or `v * scale`; one table reused (no allocation). */
const table = new Float32Array(256);
let tableScale = Number.NaN;
let tableLut: Float32Array | undefined;

function valueTable(lut: Float32Array | undefined, scale: number): Float32Array {
  // The identity table is kept between calls; a lookup is rebuilt each call (it changes with the light).
  if (lut === undefined && tableLut === undefined && scale === tableScale) return table;
  for (let v = 0; v < 256; v++) table[v] = (lut ? lut[v]! : v) * scale;
  tableScale = scale;
  tableLut = lut;
  return table;
}

/** Converts `n` pixels from byte `from` of `src` to CHW positions `at`.. of planes `plane` values long. */
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
      dst[b + i] = values[w0 & 255]!;
      dst[g + i] = values[(w0 >>> 8) & 255]!;
      dst[r + i] = values[(w0 >>> 16) & 255]!;
      dst[b + i + 1] = values[w0 >>> 24]!;
      dst[g + i + 1] = values[w1 & 255]!;
      dst[r + i + 1] = values[(w1 >>> 8) & 255]!;
      dst[b + i + 2] = values[(w1 >>> 16) & 255]!;
      dst[g + i + 2] = values[w1 >>> 24]!;
      dst[r + i + 2] = values[w2 & 255]!;
      dst[b + i + 3] = values[(w2 >>> 8) & 255]!;
      dst[g + i + 3] = values[(w2 >>> 16) & 255]!;
      dst[r + i + 3] = values[w2 >>> 24]!;
    }
  }
  for (let s = from + i * 3; i < n; i++, s += 3) {
    dst[b + i] = values[src[s]!]!;
    dst[g + i] = values[src[s + 1]!]!;
    dst[r + i] = values[src[s + 2]!]!;
  }
}
