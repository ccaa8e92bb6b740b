/**
 * Packed HWC uint8 BGR frame → planar CHW float32 in a reused buffer, one pass over the pixels.
 * `rgb` swaps to R, G, B plane order (YOLOv8); `scale` multiplies every value (1 for YOLOX's 0..255,
 * 1/255 for YOLOv8).
 */
export function bgrToChw(
  src: Uint8Array,
  dst: Float32Array,
  pixels: number,
  rgb: boolean,
  scale: number,
): void {
  if (src.length < pixels * 3) throw new Error(`frame has ${src.length} bytes, expected ${pixels * 3}`);
  if (dst.length < pixels * 3)
    throw new Error(`input buffer holds ${dst.length} values, expected ${pixels * 3}`);
  const b = rgb ? 2 * pixels : 0;
  const g = pixels;
  const r = rgb ? 0 : 2 * pixels;
  let i = 0;
  if (src.byteOffset % 4 === 0) {
    // Four pixels (12 bytes) per step as three little-endian 32-bit words: a third of the loads of a
    // byte loop, and no per-byte bounds checks. Words: [B0 G0 R0 B1] [G1 R1 B2 G2] [R2 B3 G3 R3].
    const words = new Uint32Array(src.buffer, src.byteOffset, Math.floor((pixels * 3) / 4));
    const quads = pixels >> 2;
    for (let q = 0, w = 0; q < quads; q++, w += 3, i += 4) {
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
  for (let s = i * 3; i < pixels; i++, s += 3) {
    dst[b + i] = src[s]! * scale;
    dst[g + i] = src[s + 1]! * scale;
    dst[r + i] = src[s + 2]! * scale;
  }
}
