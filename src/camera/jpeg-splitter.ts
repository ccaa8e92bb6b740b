/**
 * Cuts a stream of concatenated baseline JPEGs (ffmpeg's `-f mjpeg` output) into whole images by walking
 * the JPEG marker structure (segment lengths, then the entropy-coded data up to EOI), so a 0xFFD9 that
 * happens to sit inside a header never splits an image. Used at about 1 image/s: allocation is fine here.
 */
export class JpegSplitter {
  private buf: Buffer = Buffer.alloc(0);
  /** Where parsing of the current image continues, and whether it is inside entropy-coded data. */
  private pos = 0;
  private inScan = false;

  constructor(
    private readonly onImage: (jpeg: Buffer) => void,
    private readonly maxBytes = 16 * 1024 * 1024,
  ) {}

  push(chunk: Buffer): void {
    this.buf = this.buf.length === 0 ? chunk : Buffer.concat([this.buf, chunk]);
    for (;;) {
      const end = this.findEnd();
      if (end < 0) break;
      this.onImage(Buffer.from(this.buf.subarray(0, end)));
      this.buf = this.buf.subarray(end);
      this.pos = 0;
      this.inScan = false;
    }
    if (this.buf.length > this.maxBytes) this.reset();
  }

  reset(): void {
    this.buf = Buffer.alloc(0);
    this.pos = 0;
    this.inScan = false;
  }

  /** Byte offset just after the first complete image's EOI, or -1 when more data is needed. */
  private findEnd(): number {
    const b = this.buf;
    if (this.pos === 0) {
      if (b.length < 2) return -1;
      if (b[0] !== 0xff || b[1] !== 0xd8) {
        // Not at an SOI: resynchronise on the next one.
        const soi = b.indexOf(Buffer.from([0xff, 0xd8]), 1);
        this.buf = soi < 0 ? Buffer.alloc(0) : b.subarray(soi);
        return soi < 0 ? -1 : this.findEnd();
      }
      this.pos = 2;
    }
    let p = this.pos;
    while (p + 1 < b.length) {
      if (this.inScan) {
        if (b[p] !== 0xff) {
          p++;
          continue;
        }
        const m = b[p + 1]!;
        if (m === 0x00 || (m >= 0xd0 && m <= 0xd7) || m === 0xff) {
          p += m === 0xff ? 1 : 2;
          continue;
        }
        if (m === 0xd9) return p + 2;
        // Another marker after a scan (progressive JPEG): back to header parsing.
        this.inScan = false;
        continue;
      }
      if (b[p] !== 0xff) return this.fail();
      const m = b[p + 1]!;
      if (m === 0xd9) return p + 2;
      if (m === 0xff) {
        p++;
        continue;
      }
      if (p + 3 >= b.length) break;
      const len = b.readUInt16BE(p + 2);
      if (p + 2 + len > b.length) break;
      p += 2 + len;
      if (m === 0xda) this.inScan = true;
    }
    this.pos = p;
    return -1;
  }

  private fail(): number {
    // Corrupt stream: drop what we have and wait for the next SOI.
    this.buf = this.buf.subarray(1);
    this.pos = 0;
    this.inScan = false;
    return this.findEnd();
  }
}
