import type { Statement, Transaction } from 'better-sqlite3';
import type { Db } from '../store/store.js';
import { ROW_OVERHEAD_BYTES } from './spool-rows.js';

/** Rows per multi-row INSERT: one statement step per 64 rows instead of per row (~2× faster appends). */
const ROWS_PER_INSERT = 64;

type AppendRows = (
  lines: readonly string[],
  n: number,
  p: number,
  at: number,
  sizes: number[],
  during?: () => void,
) => { id: number; added: number };

/**
 * Appends spool rows in one transaction, 64 to a statement: returns the last row's id and the rows'
 * accounted bytes (each row's into `sizes`). `during` runs first in the same transaction.
 */
export class SpoolInsert {
  readonly run: Transaction<AppendRows>;
  private readonly insert: Statement;
  private readonly insertMany: Statement;
  private readonly manyArgs: (string | number)[] = new Array(ROWS_PER_INSERT * 3);

  constructor(db: Db) {
    this.insert = db.prepare('INSERT INTO ts_spool (at, p, line) VALUES (?, ?, ?)');
    this.insertMany = db.prepare(
      `INSERT INTO ts_spool (at, p, line) VALUES ${Array(ROWS_PER_INSERT).fill('(?, ?, ?)').join(', ')}`,
    );
    this.run = db.transaction<AppendRows>((lines, n, p, at, sizes, during) => {
      during?.();
      let added = 0;
      let id = 0;
      let i = 0;
      // Rows of one multi-row INSERT get consecutive ids in VALUES order (one writer, AUTOINCREMENT).
      const args = this.manyArgs;
      for (; i + ROWS_PER_INSERT <= n; i += ROWS_PER_INSERT) {
        for (let r = 0; r < ROWS_PER_INSERT; r++) {
          args[r * 3] = at;
          args[r * 3 + 1] = p;
          args[r * 3 + 2] = lines[i + r]!;
        }
        id = Number(this.insertMany.run(args).lastInsertRowid);
      }
      for (; i < n; i++) id = Number(this.insert.run(at, p, lines[i]!).lastInsertRowid);
      for (let j = 0; j < n; j++) {
        const size = Buffer.byteLength(lines[j]!) + ROW_OVERHEAD_BYTES;
        sizes[j] = size;
        added += size;
      }
      if (n > 0) args.fill(0);
      return { id, added };
    });
  }
}
