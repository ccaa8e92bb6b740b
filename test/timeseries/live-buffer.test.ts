import { describe, expect, it } from 'vitest';
import { LiveBuffer } from '../../src/timeseries/live-buffer.js';
import { newBatch } from '../../src/timeseries/spool.js';

const rows = (from: number, n: number) => Array.from({ length: n }, (_, i) => `m v=${from + i}`);

describe('LiveBuffer', () => {
  it('hands out exactly the rows after the cursor, or nothing', () => {
    const b = new LiveBuffer(100);
    const out = newBatch();
    b.push(11, 5, rows(11, 5), 'ms');
    b.push(16, 5, rows(16, 5), 'ms');
    expect(b.take(10, 4, out)).toBe(4);
    expect(out.ids.slice(0, 4)).toEqual([11, 12, 13, 14]);
    expect(out.lines.slice(0, 4)).toEqual(rows(11, 4));
    expect(out.precision).toBe('ms');
    // The cursor moved past 14 (sent): the next take starts at 15.
    expect(b.take(14, 100, out)).toBe(6);
    expect(out.ids.slice(0, 6)).toEqual([15, 16, 17, 18, 19, 20]);
    // Rows between the cursor and the buffer exist only in the spool: nothing.
    expect(b.take(5, 10, out)).toBe(0);
  });

  it('drops itself on a gap, a precision change or an overflow', () => {
    const out = newBatch();
    const b = new LiveBuffer(10);
    b.push(1, 3, rows(1, 3), 'ms');
    b.push(7, 2, rows(7, 2), 'ms'); // gap 4..6: start over at 7
    expect(b.take(0, 10, out)).toBe(0);
    b.push(1, 3, rows(1, 3), 'ms');
    b.push(4, 3, rows(4, 3), 'ns');
    expect(b.take(3, 10, out)).toBe(3);
    expect(out.precision).toBe('ns');
    b.push(7, 8, rows(7, 8), 'ns'); // 3 + 8 > 10
    expect(b.take(6, 10, out)).toBe(0);
  });

  it('stays bounded over many push/take cycles', () => {
    const out = newBatch();
    const b = new LiveBuffer(50);
    let id = 1;
    let cursor = 0;
    let fromBuffer = 0;
    for (let round = 0; round < 1000; round++) {
      b.push(id, 7, rows(id, 7), 'ms');
      id += 7;
      // A slow drainer (5 per round) overflows the buffer and reads the spool; a fast one (9) catches up.
      const limit = round < 100 ? 5 : 9;
      const n = b.take(cursor, limit, out);
      if (n > 0) {
        fromBuffer++;
        expect(out.ids[0]).toBe(cursor + 1);
        expect(out.lines[n - 1]).toBe(`m v=${cursor + n}`);
        cursor = out.ids[n - 1]!;
      } else {
        cursor = Math.min(cursor + limit, id - 1); // what the spool read would have returned
      }
    }
    expect(fromBuffer).toBeGreaterThan(800);
    expect((b as unknown as { lines: string[] }).lines.length).toBeLessThan(200);
  });
});
