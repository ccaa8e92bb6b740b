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
  const p0 = rgb ? 2 * pixels : 0;
  const p2 = rgb ? 0 : 2 * pixels;
  const p1 = pixels;
  if (scale === 1) {
    for (let i = 0, s = 0; i < pixels; i++, s += 3) {
      dst[p0 + i] = src[s]!;
      dst[p1 + i] = src[s + 1]!;
      dst[p2 + i] = src[s + 2]!;
    }
  } else {
    for (let i = 0, s = 0; i < pixels; i++, s += 3) {
      dst[p0 + i] = src[s]! * scale;
      dst[p1 + i] = src[s + 1]! * scale;
      dst[p2 + i] = src[s + 2]! * scale;
    }
  }
}
