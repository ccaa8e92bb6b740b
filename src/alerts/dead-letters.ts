import type { Statement } from 'better-sqlite3';
import type { Db } from '../store/store.js';
import type { OutboxRow } from './outbox-rows.js';

const DEAD_LETTER_KEEP = 1000;

/** Outbox rows a receiver refused for good, with its answer: the newest DEAD_LETTER_KEEP are kept. */
export class DeadLetters {
  count: number;
  private readonly insert: Statement;
  private readonly trim: Statement;

  constructor(private readonly db: Db) {
    this.insert = db.prepare(
      'INSERT INTO alert_dead_letters (at_ms, sink, kind, alert_id, status, answer, payload) VALUES (?, ?, ?, ?, ?, ?, ?)',
    );
    this.trim = db.prepare('DELETE FROM alert_dead_letters WHERE id <= ?');
    this.count = db.prepare('SELECT count(*) FROM alert_dead_letters').pluck(true).get() as number;
  }

  /** Stores a refused row (in the caller's transaction, which deletes it from the outbox). */
  add(sink: string, row: OutboxRow, status: number | null, answer: string): void {
    const id = Number(
      this.insert.run(Date.now(), sink, row.kind, row.alertId, status, answer.slice(0, 2000), row.payload)
        .lastInsertRowid,
    );
    if (id > DEAD_LETTER_KEEP) this.trim.run(id - DEAD_LETTER_KEEP);
  }

  /** The newest dead letters, newest first (payloads as text, evidence as its size). */
  list(limit = 20): Record<string, unknown>[] {
    const rows = this.db
      .prepare(
        'SELECT at_ms AS atMs, sink, kind, alert_id AS alertId, status, answer, payload FROM alert_dead_letters ORDER BY id DESC LIMIT ?',
      )
      .all(limit) as { payload: Buffer; kind: string; atMs: number }[];
    return rows.map(({ payload, atMs, ...r }) => ({
      ...r,
      at: new Date(atMs).toISOString(),
      payload: r.kind === 'evidence' ? `${payload.length} bytes of JPEG` : payload.toString('utf8'),
    }));
  }
}
