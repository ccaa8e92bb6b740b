import type { Store } from '../store/store.js';
import type { CommitParticipant } from '../timeseries/spool-sink.js';
import type { RejectReason } from './decoders/decoded.js';

/** One rejected message as kept for `ioc-edge sensors --rejected`. */
export interface RejectedMessage {
  at: number;
  topic: string;
  device: string | null;
  reason: RejectReason;
  detail: string;
  /** The payload (first KB): UTF-8 text, or base64 when binary. */
  payload: string;
  encoding: 'utf8' | 'base64';
  bytes: number;
}

const MIGRATIONS = [
  `CREATE TABLE sensor_rejected (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     at INTEGER NOT NULL,
     topic TEXT NOT NULL,
     device TEXT,
     reason TEXT NOT NULL,
     detail TEXT NOT NULL,
     payload TEXT NOT NULL,
     encoding TEXT NOT NULL,
     bytes INTEGER NOT NULL
   ) STRICT;`,
];

/**
 * The newest rejected messages in the spool's SQLite file, written in the spool's commits (a rejected
 * message is acknowledged to the broker only once its record is durable, like a reading). Bounded to
 * `keep` rows. A flood of bad messages beyond what one commit should hold is counted, not kept.
 */
export class RejectedStore implements CommitParticipant {
  private pending: RejectedMessage[] = [];
  private readonly insert;
  private readonly trim;
  /** Records not kept because more than 10,000 arrived between two commits. */
  skipped = 0;

  constructor(
    readonly store: Store,
    private readonly keep: number,
  ) {
    store.migrate('sensors_rejected', MIGRATIONS);
    this.insert = store.db.prepare(
      'INSERT INTO sensor_rejected (at, topic, device, reason, detail, payload, encoding, bytes) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    );
    this.trim = store.db.prepare('DELETE FROM sensor_rejected WHERE id <= ?');
  }

  add(r: RejectedMessage): void {
    if (this.keep === 0) return;
    if (this.pending.length >= 10_000) {
      this.skipped++;
      return;
    }
    this.pending.push(r);
  }

  hasPending(): boolean {
    return this.pending.length > 0;
  }

  inTransaction(): void {
    let id = 0;
    for (const r of this.pending)
      id = Number(
        this.insert.run(r.at, r.topic, r.device, r.reason, r.detail, r.payload, r.encoding, r.bytes)
          .lastInsertRowid,
      );
    if (id > this.keep) this.trim.run(id - this.keep);
  }

  committed(): void {
    if (this.pending.length > 0) this.pending = [];
  }

  /** Newest first. */
  static list(store: Store, limit: number): RejectedMessage[] {
    const exists = store.db
      .prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'sensor_rejected'")
      .get();
    if (!exists) return [];
    return store.db
      .prepare(
        'SELECT at, topic, device, reason, detail, payload, encoding, bytes FROM sensor_rejected ORDER BY id DESC LIMIT ?',
      )
      .all(limit) as RejectedMessage[];
  }
}
