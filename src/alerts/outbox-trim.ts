import type { Statement } from 'better-sqlite3';
import type { Db } from '../store/store.js';
import { type OutboxSize, ROW_OVERHEAD_BYTES } from './outbox-rows.js';

/** Rows dropped to stay under the outbox's maxBytes, by what they were. */
export interface OutboxDropped {
  telemetry: number;
  infoAlerts: number;
  evidence: number;
}

const STEPS: [keyof OutboxDropped, string][] = [
  // Oldest telemetry summaries, a batch at a time.
  [
    'telemetry',
    "DELETE FROM alert_outbox WHERE seq IN (SELECT seq FROM alert_outbox WHERE kind = 'telemetry' ORDER BY seq LIMIT 50) RETURNING length(payload)",
  ],
  // The oldest info alert, every message and picture of it (an alert is never left half-delivered).
  [
    'infoAlerts',
    "DELETE FROM alert_outbox WHERE alert_id = (SELECT alert_id FROM alert_outbox WHERE severity = 'info' AND kind = 'alert' ORDER BY seq LIMIT 1) RETURNING length(payload)",
  ],
  // The oldest evidence pictures; their alerts' messages stay.
  [
    'evidence',
    "DELETE FROM alert_outbox WHERE seq IN (SELECT seq FROM alert_outbox WHERE kind = 'evidence' ORDER BY seq LIMIT 10) RETURNING length(payload)",
  ],
];

/**
 * Keeps the outbox under its size bound: drops the oldest telemetry first, then the oldest `info` alerts
 * (whole), then the oldest evidence pictures, and counts what it dropped (kept in alert_counters).
 */
export class OutboxTrim {
  readonly dropped: OutboxDropped = { telemetry: 0, infoAlerts: 0, evidence: 0 };
  private readonly bumpCounter: Statement;

  constructor(
    private readonly db: Db,
    private readonly onDrop: (what: keyof OutboxDropped, n: number) => void,
  ) {
    this.bumpCounter = db.prepare(
      'INSERT INTO alert_counters (name, value) VALUES (?, ?) ON CONFLICT(name) DO UPDATE SET value = value + excluded.value',
    );
    for (const { name, value } of db.prepare('SELECT name, value FROM alert_counters').all() as {
      name: string;
      value: number;
    }[]) {
      if (name in this.dropped) this.dropped[name as keyof OutboxDropped] = value;
    }
  }

  /** Drops rows, least valuable first, until the outbox's accounted `size` is at most `target` bytes. */
  run(size: OutboxSize, target: number): void {
    for (const [what, sql] of STEPS) {
      const stmt = this.db.prepare(sql).pluck(true);
      let n = 0;
      while (size.bytes > target) {
        const lens = this.db.transaction(() => stmt.all() as number[])();
        if (lens.length === 0) break;
        for (const len of lens) size.bytes -= len + ROW_OVERHEAD_BYTES;
        size.rows -= lens.length;
        // Info alerts count once per alert, not per sink row or message.
        n += what === 'infoAlerts' ? 1 : lens.length;
      }
      if (n > 0) {
        this.dropped[what] += n;
        this.bumpCounter.run(what, n);
        this.onDrop(what, n);
      }
      if (size.bytes <= target) return;
    }
  }
}
