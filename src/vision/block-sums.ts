// Grey block sums of a BGR (or RGB) frame: what the motion gate and the static-object model measure.

/** Side of the square pixel blocks summed into one grey cell. */
export const CELL = 4;
/** A block's sum of (B + 2G + R) times this is its grey mean (2^-6: `sum >> 6` is its whole part). */
const BLOCK_NORM = 1 / (CELL * CELL * 4);

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const views = new WeakMap<ArrayBufferLike, Int32Array>();

/**
 * 32-bit words over the whole buffer of a frame's `data`, when its blocks can be summed from them (a
 * little-endian machine, rows of `stride` bytes starting 4-byte aligned); byte `o` of `data` is then in
 * word (data.byteOffset + o) >> 2. Made once per buffer: frame pools reuse theirs.
 */
export function frameWords(data: Uint8Array, stride: number): Int32Array | undefined {
  if (!LITTLE_ENDIAN || stride % 4 !== 0 || data.byteOffset % 4 !== 0) return undefined;
  let words = views.get(data.buffer);
  if (words === undefined) {
    words = new Int32Array(data.buffer, 0, data.buffer.byteLength >> 2);
    views.set(data.buffer, words);
  }
  return words;
}

/**
 * The grey means ((B + 2G + R) / 4) of `n` blocks side by side, the first one's top-left pixel starting
 * word `w`, rows `rowWords` words apart, into `out` from `at` on (`whole`: their whole part, for a
 * Uint8Array). The same sums as blockRowBytes, read four bytes at a time: a block's row of 4 pixels is 12 bytes, three
 * words [B0 G0 R0 B1] [G1 R1 B2 G2] [R2 B3 G3 R3]; every byte is summed two at a time in 16-bit lanes (at
 * most 24 bytes of 255 per lane: no carry), the four middle bytes once more. About twice as fast.
 */
export function blockRowWords(
  words: Int32Array,
  w: number,
  rowWords: number,
  n: number,
  out: Float32Array | Uint8Array,
  at: number,
  whole = false,
): void {
  for (let c = 0; c < n; c++, w += 3) {
    let lanes = 0;
    let middle = 0;
    for (let y = 0, v = w; y < CELL; y++, v += rowWords) {
      const w0 = words[v]!;
      const w1 = words[v + 1]!;
      const w2 = words[v + 2]!;
      lanes += (w0 & 0xff00ff) + ((w0 >>> 8) & 0xff00ff) + (w1 & 0xff00ff) + ((w1 >>> 8) & 0xff00ff);
      lanes += (w2 & 0xff00ff) + ((w2 >>> 8) & 0xff00ff);
      middle += ((w0 >>> 8) & 255) + (w1 & 255) + (w1 >>> 24) + ((w2 >>> 16) & 255);
    }
    const sum = (lanes & 0xffff) + (lanes >>> 16) + middle;
    // A Uint8Array's whole part by shift: a float stored into it is converted slowly.
    out[at + c] = whole ? sum >> 6 : sum * BLOCK_NORM;
  }
}

/** As blockRowWords, byte by byte: the first block's top-left pixel is byte `o`, rows `stride` bytes apart. */
export function blockRowBytes(
  data: Uint8Array,
  o: number,
  stride: number,
  n: number,
  out: Float32Array | Uint8Array,
  at: number,
  whole = false,
): void {
  for (let c = 0; c < n; c++, o += CELL * 3) {
    let sum = 0;
    for (let y = 0, q = o; y < CELL; y++, q += stride) {
      for (let x = 0, p = q; x < CELL; x++, p += 3) sum += data[p]! + 2 * data[p + 1]! + data[p + 2]!;
    }
    out[at + c] = whole ? sum >> 6 : sum * BLOCK_NORM;
  }
}

/**
 * The grey means of `n` blocks side by side, the first one's top-left pixel byte `o` of `data`, rows
 * `stride` bytes apart, into `out` from `at` on (`whole` as blockRowWords): from `words` (frameWords of
 * `data` and `stride`) when given, else byte by byte.
 */
export function blockRow(
  data: Uint8Array,
  words: Int32Array | undefined,
  o: number,
  stride: number,
  n: number,
  out: Float32Array | Uint8Array,
  at: number,
  whole = false,
): void {
  if (words) blockRowWords(words, (data.byteOffset + o) >> 2, stride >> 2, n, out, at, whole);
  else blockRowBytes(data, o, stride, n, out, at, whole);
}
