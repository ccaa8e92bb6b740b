import type { Precision } from './point.js';
import type { SpoolBatch } from './spool.js';

/**
 * The most recently committed spool rows, kept in memory so the drainer can send live batches without
 * reading back what it just wrote. Only an optimisation: rows are in SQLite first, and whenever the
 * buffer cannot say exactly which rows follow the drainer's cursor (a gap, an overflow, a failure) it
 * answers nothing and the drainer reads the spool.
 */
export class LiveBuffer {
  private lines: string[] = [];
  private head = 0;
  private len = 0;
  /** Row id of lines[head]. */
  private firstId = 0;
  private precision: Precision = 'ms';

  constructor(private readonly capacity: number) {}

  push(firstId: number, n: number, lines: readonly string[], precision: Precision): void {
    if (this.len > 0 && (firstId !== this.firstId + this.len || precision !== this.precision)) this.clear();
    if (this.len + n > this.capacity) {
      // Nobody is draining (an outage): stop buffering, the spool has it all.
      this.clear();
      return;
    }
    if (this.len === 0) {
      this.head = 0;
      this.firstId = firstId;
      this.precision = precision;
    } else if (this.head > this.capacity) {
      this.lines.copyWithin(0, this.head, this.head + this.len);
      this.lines.fill('', this.len, this.head + this.len);
      this.head = 0;
    }
    const at = this.head + this.len;
    for (let i = 0; i < n; i++) this.lines[at + i] = lines[i]!;
    this.len += n;
  }

  /**
   * Fills `out` with up to `limit` rows following `cursor` (the last row id sent) when the buffer holds
   * exactly those; returns how many (0: read the spool instead). Rows at or before the cursor are dropped.
   */
  take(cursor: number, limit: number, out: SpoolBatch): number {
    if (this.len === 0) return 0;
    const skip = cursor + 1 - this.firstId;
    if (skip < 0) {
      this.clear(); // rows between the cursor and the buffer are only in the spool
      return 0;
    }
    if (skip > 0) {
      const k = Math.min(skip, this.len);
      this.lines.fill('', this.head, this.head + k);
      this.head += k;
      this.len -= k;
      this.firstId += k;
      if (this.len === 0) return 0;
    }
    const n = Math.min(limit, this.len);
    for (let i = 0; i < n; i++) {
      out.ids[i] = this.firstId + i;
      out.lines[i] = this.lines[this.head + i]!;
    }
    out.length = n;
    out.precision = this.precision;
    return n;
  }

  clear(): void {
    this.lines.fill('', this.head, this.head + this.len);
    this.head = 0;
    this.len = 0;
  }
}
