/**
 * Packed HWC uint8 BGR pixels → planar CHW float32 in a reused buffer, one pass over the pixels.
 * `rgb` swaps to R, G, B plane order (YOLOv8); `scale` multiplies every value (1 for YOLOX's 0..255,
 * 1/255 for YOLOv8). `pixels` = width x rows; the rows are `stride` bytes apart in `src` (a tile at the left
 * of a wider frame), contiguous by default. With `lut` (256 values, AutoLevels) each byte `v` is read as
 * `lut[v]` (then scaled).
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
  // Contiguous rows are one run.
  const runs = stride === width * 3 ? 1 : rows;
  const n = runs === 1 ? pixels : width;
  for (let r = 0; r < runs; r++) {
    if (lut) convertRunLut(src, words, r * stride, dst, r * width, n, pixels, rgb, scale, lut);
    else convertRun(src, words, r * stride, dst, r * width, n, pixels, rgb, scale);
  }
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
  scale: number,
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
      dst[b + i] = (w0 & 255) * scale;
      dst[g + i] = ((w0 >>> 8) & 255) * scale;
      dst[r + i] = ((w0 >>> 16) & 255) * scale;
      dst[b + i + 1] = (w0 >>> 24) * scale;
      dst[g + i + 1] = (w1 & 255) * scale;
      dst[r + i + 1] = ((w1 >>> 8) & 255) * scale;
      dst[b + i + 2] = ((w1 >>> 16) & 255) * scale;
      dst[g + i + 2] = (w1 >>> 24) * scale;
      dst[r + i + 2] = (w2 & 255) * scale;
      dst[b + i + 3] = ((w2 >>> 8) & 255) * scale;
      dst[g + i + 3] = ((w2 >>> 16) & 255) * scale;
      dst[r + i + 3] = (w2 >>> 24) * scale;
    }
  }
  for (let s = from + i * 3; i < n; i++, s += 3) {
    dst[b + i] = src[s]! * scale;
    dst[g + i] = src[s + 1]! * scale;
    dst[r + i] = src[s + 2]! * scale;
  }
}

/** convertRun with every byte looked up in `lut` first. */
function convertRunLut(
  src: Uint8Array,
  words: Uint32Array | undefined,
  from: number,
  dst: Float32Array,
  at: number,
  n: number,
  plane: number,
  rgb: boolean,
  scale: number,
  lut: Float32Array,
): void {
  const b = (rgb ? 2 * plane : 0) + at;
  const g = plane + at;
  const r = (rgb ? 0 : 2 * plane) + at;
  let i = 0;
  if (words) {
    const quads = n >> 2;
    for (let q = 0, w = from >> 2; q < quads; q++, w += 3, i += 4) {
      const w0 = words[w]!;
      const w1 = words[w + 1]!;
      const w2 = words[w + 2]!;
      dst[b + i] = lut[w0 & 255]! * scale;
      dst[g + i] = lut[(w0 >>> 8) & 255]! * scale;
      dst[r + i] = lut[(w0 >>> 16) & 255]! * scale;
      dst[b + i + 1] = lut[w0 >>> 24]! * scale;
      dst[g + i + 1] = lut[w1 & 255]! * scale;
      dst[r + i + 1] = lut[(w1 >>> 8) & 255]! * scale;
      dst[b + i + 2] = lut[(w1 >>> 16) & 255]! * scale;
      dst[g + i + 2] = lut[w1 >>> 24]! * scale;
      dst[r + i + 2] = lut[w2 & 255]! * scale;
      dst[b + i + 3] = lut[(w2 >>> 8) & 255]! * scale;
      dst[g + i + 3] = lut[(w2 >>> 16) & 255]! * scale;
      dst[r + i + 3] = lut[w2 >>> 24]! * scale;
    }
  }
  for (let s = from + i * 3; i < n; i++, s += 3) {
    dst[b + i] = lut[src[s]!]! * scale;
    dst[g + i] = lut[src[s + 1]!]! * scale;
    dst[r + i] = lut[src[s + 2]!]! * scale;
  }
}
