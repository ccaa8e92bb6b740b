import type { Statement, Transaction } from 'better-sqlite3';
import type { Db } from '../store/store.js';

type AppendChunk = (text: string, n: number, id: number, p: number, at: number, during?: () => void) => void;

/**
 * Appends one commit's points as one spool row (`n` lines joined by newlines, id = the last point's id)
 * in one transaction; `during` runs first in the same transaction. One row per commit instead of one per
 * point: a third of the CPU per point for the insert, the delete after the server's 2xx and the
 * checkpoint (measured 1.44 -> 0.49 µs per point).
 */
export class SpoolInsert {
  readonly run: Transaction<AppendChunk>;
  private readonly insert: Statement;

  constructor(db: Db) {
    this.insert = db.prepare('INSERT INTO ts_spool (id, at, p, n, line) VALUES (?, ?, ?, ?, ?)');
    this.run = db.transaction<AppendChunk>((text, n, id, p, at, during) => {
      during?.();
      if (n > 0) this.insert.run(id, at, p, n, text);
    });
  }
}
