import type { Statement, Transaction } from 'better-sqlite3';
import type { Db } from '../store/store.js';
import { ROW_OVERHEAD_BYTES } from './spool-rows.js';

type Row = { id: number; at: number; p: number; n: number; line: string };

/**
 * Removes the points with ids a..b from the spool, in one transaction, whatever rows they are in: rows
 * wholly inside go, a row the range cuts keeps the points outside it (one row before the range, one
 * after). Returns how many points and accounted bytes went, counted from the rows themselves (points
 * dropped meanwhile are not counted twice).
 */
export class SpoolRemove {
  readonly run: Transaction<(a: number, b: number) => { points: number; bytes: number }>;
  private readonly deleteInside: Statement;
  private readonly firstFrom: Statement;
  private readonly deleteOne: Statement;
  private readonly insert: Statement;

  constructor(db: Db) {
    this.deleteInside = db
      .prepare(
        'DELETE FROM ts_spool WHERE id >= @a AND id <= @b AND id - n + 1 >= @a RETURNING n, octet_length(line)',
      )
      .raw(true);
    this.firstFrom = db.prepare('SELECT id, at, p, n, line FROM ts_spool WHERE id >= ? ORDER BY id LIMIT 1');
    this.deleteOne = db.prepare('DELETE FROM ts_spool WHERE id = ?');
    this.insert = db.prepare('INSERT INTO ts_spool (id, at, p, n, line) VALUES (?, ?, ?, ?, ?)');
    this.run = db.transaction((a: number, b: number) => {
      let points = 0;
      let bytes = 0;
      for (const [n, len] of this.deleteInside.all({ a, b }) as [number, number][]) {
        points += n;
        bytes += len + ROW_OVERHEAD_BYTES;
      }
      // At most two rows are left that the range cuts: the one holding a, and the one holding b.
      let row = this.firstFrom.get(a) as Row | undefined;
      while (row && row.id - row.n + 1 <= b) {
        const cut = this.cut(row, a, b);
        points += cut.points;
        bytes += cut.bytes;
        if (row.id >= b) break;
        row = this.firstFrom.get(row.id + 1) as Row | undefined;
      }
      return { points, bytes };
    });
  }

  /** Rewrites `row` without its points a..b. */
  private cut(row: Row, a: number, b: number): { points: number; bytes: number } {
    const first = row.id - row.n + 1;
    const lines = row.line.split('\n');
    const head = Math.max(0, Math.min(row.n, a - first));
    const tailFrom = Math.max(head, Math.min(row.n, b + 1 - first));
    let kept = 0;
    this.deleteOne.run(row.id);
    if (head > 0) {
      const text = lines.slice(0, head).join('\n');
      this.insert.run(first + head - 1, row.at, row.p, head, text);
      kept += Buffer.byteLength(text) + ROW_OVERHEAD_BYTES;
    }
    if (tailFrom < row.n) {
      const text = lines.slice(tailFrom).join('\n');
      this.insert.run(row.id, row.at, row.p, row.n - tailFrom, text);
      kept += Buffer.byteLength(text) + ROW_OVERHEAD_BYTES;
    }
    return {
      points: tailFrom - head,
      bytes: Buffer.byteLength(row.line) + ROW_OVERHEAD_BYTES - kept,
    };
  }
}
