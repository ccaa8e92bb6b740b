import type { Store } from '../store/store.js';
import { DeadLetters } from './dead-letters.js';
import { HeldWrites } from './held-writes.js';
import { OpenAlertStore } from './open-alerts.js';
import {
  type OutboxEntry,
  type OutboxRow,
  type OutboxSink,
  type OutboxSize,
  PRIO,
  ROW_OVERHEAD_BYTES,
} from './outbox-rows.js';
import { type OutboxDropped, OutboxTrim } from './outbox-trim.js';
import { migrateAlertTables } from './tables.js';

export type { OutboxEntry, OutboxKind, OutboxRow, OutboxSink } from './outbox-rows.js';
export type { OutboxDropped } from './outbox-trim.js';

export interface OutboxStats {
  messages: number;
  bytes: number;
  maxBytes: number;
  oldestAgeSeconds: number | null;
  bySink: Record<string, number>;
  /** Dropped to stay under maxBytes since the store was created: telemetry first, then info alerts, then evidence. */
  dropped: OutboxDropped;
  deadLettered: number;
  /** Messages held in memory because the disk is full (never dropped; written once there is room). */
  held: number;
}

/**
 * The alert outbox in the gateway's store: every message for the IOC is a row per sink, written durably
 * (synchronous=FULL) before the alert counts as raised, read in order, deleted only once its sink has the
 * receiver's acknowledgement (PUBACK, HTTP 2xx) or dead-lettered its refusal. Bounded by `maxBytes`: past it
 * the oldest telemetry goes first, then the oldest `info` alerts (whole), then the oldest evidence pictures;
 * other alert messages are never dropped (the outbox then runs over and says so).
 */
export class Outbox {
  private readonly insert;
  private readonly selectNext;
  private readonly deleteOne;
  private readonly oldest;
  private readonly countBySink;
  private readonly ackTx;
  /** Open alerts' state, written in the same transactions as their messages. */
  readonly open: OpenAlertStore;
  private readonly size: OutboxSize = { rows: 0, bytes: 0 };
  private readonly dead: DeadLetters;
  private readonly trimmer: OutboxTrim;
  readonly dropped: OutboxDropped;
  private readonly listeners: ((sink: string) => void)[] = [];
  /**
   * Called when a write finds the disk full: frees room (the time-series spool drops its oldest points)
   * and says whether it could. Alert messages are never dropped for a full disk.
   */
  makeRoom?: () => boolean;
  /** Told when writes are held in memory for a full disk (n held), and when they are written (0). */
  onHeld?: (n: number, err?: unknown) => void;
  /** Writes that met a full disk even after makeRoom, in order; retried every second. */
  private readonly held = new HeldWrites<{ write: () => void; durable: boolean; touched: Set<string> }>(
    (w) => this.tryCommit(w.write, w.durable),
    (w) => this.afterCommit(w.touched),
    () => this.onHeld?.(0),
  );

  constructor(
    readonly store: Store,
    readonly sinks: readonly OutboxSink[],
    readonly maxBytes: number,
    onDrop: (what: keyof OutboxDropped, n: number) => void = () => {},
  ) {
    migrateAlertTables(store);
    const db = store.db;
    this.insert = db.prepare(
      'INSERT INTO alert_outbox (sink, prio, kind, alert_id, severity, created_ms, payload) VALUES (?, ?, ?, ?, ?, ?, ?)',
    );
    this.selectNext = db.prepare(
      'SELECT seq, kind, alert_id AS alertId, payload, created_ms AS createdMs FROM alert_outbox WHERE sink = ? AND prio = ? AND seq > ? ORDER BY seq LIMIT ?',
    );
    this.deleteOne = db
      .prepare('DELETE FROM alert_outbox WHERE seq = ? RETURNING length(payload)')
      .pluck(true);
    this.oldest = db.prepare('SELECT min(created_ms) FROM alert_outbox').pluck(true);
    this.countBySink = db.prepare('SELECT sink, count(*) AS n FROM alert_outbox GROUP BY sink');
    this.open = new OpenAlertStore(store);
    this.ackTx = db.transaction((seqs: readonly number[]) => {
      let freed = 0;
      let n = 0;
      for (const seq of seqs) {
        const len = this.deleteOne.get(seq) as number | undefined;
        if (len === undefined) continue; // dropped while in flight
        freed += len + ROW_OVERHEAD_BYTES;
        n++;
      }
      return { freed, n };
    });

    const row = db
      .prepare('SELECT count(*) AS n, coalesce(sum(length(payload)), 0) AS b FROM alert_outbox')
      .get() as { n: number; b: number };
    this.size.rows = row.n;
    this.size.bytes = row.b + row.n * ROW_OVERHEAD_BYTES;
    this.dead = new DeadLetters(db);
    this.trimmer = new OutboxTrim(db, onDrop);
    this.dropped = this.trimmer.dropped;
  }

  /**
   * Deletes the rows of destinations that are no longer configured (they would wait forever); returns how
   * many per destination.
   */
  dropUnconfigured(): Record<string, number> {
    const names = this.sinks.map((s) => s.name);
    const db = this.store.db;
    const gone = db
      .prepare(
        `SELECT sink, count(*) AS n, coalesce(sum(length(payload)), 0) AS b FROM alert_outbox WHERE sink NOT IN (${names.map(() => '?').join(', ') || "''"}) GROUP BY sink`,
      )
      .all(...names) as { sink: string; n: number; b: number }[];
    const out: Record<string, number> = {};
    for (const g of gone) {
      db.prepare('DELETE FROM alert_outbox WHERE sink = ?').run(g.sink);
      this.size.rows -= g.n;
      this.size.bytes -= g.b + g.n * ROW_OVERHEAD_BYTES;
      out[g.sink] = g.n;
    }
    return out;
  }

  /** Calls `fn(sink)` after rows for that sink were added. */
  onAppend(fn: (sink: string) => void): void {
    this.listeners.push(fn);
  }

  /**
   * Appends the entries (a row for each sink taking their kind) in one transaction, together with `also`
   * (the alert state the messages come from). `durable`: committed with synchronous=FULL, on disk when this
   * returns. Then trims to maxBytes and tells the sinks.
   */
  append(entries: readonly OutboxEntry[], durable: boolean, also?: () => void): void {
    const now = Date.now();
    const touched = new Set<string>();
    const write = () => {
      for (const e of entries) {
        for (const sink of this.sinks) {
          if (!sink.kinds.includes(e.kind)) continue;
          this.insert.run(
            sink.name,
            PRIO[e.kind],
            e.kind,
            e.alertId ?? null,
            e.severity ?? null,
            now,
            e.payload,
          );
          this.size.rows++;
          this.size.bytes += e.payload.length + ROW_OVERHEAD_BYTES;
          touched.add(sink.name);
        }
      }
      also?.();
    };
    // Order is kept: while earlier writes wait for room, later ones wait behind them.
    if (this.held.length > 0 || !this.tryCommit(write, durable)) {
      this.held.hold({ write, durable, touched });
      return;
    }
    this.afterCommit(touched);
  }

  /** Messages waiting in memory for room on a full disk (written as soon as there is). */
  get heldWrites(): number {
    return this.held.length;
  }

  /** A last try to write what waits for room (at stop); what still finds no room is lost with the process. */
  flushHeld(): number {
    return this.held.flush();
  }

  /** Commits `write`; on a full disk asks for room once and tries again. False: still no room. */
  private tryCommit(write: () => void, durable: boolean): boolean {
    const rows = this.size.rows;
    const bytes = this.size.bytes;
    const commit = () => (durable ? this.store.strict(write) : this.store.db.transaction(write)());
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        commit();
        return true;
      } catch (err) {
        // The transaction rolled back: so does the accounting.
        this.size.rows = rows;
        this.size.bytes = bytes;
        const full = (err as { code?: string }).code === 'SQLITE_FULL';
        if (!full) throw err;
        if (attempt === 1 || !this.makeRoom?.()) {
          this.onHeld?.(this.held.length + 1, err);
          return false;
        }
      }
    }
    return false;
  }

  private afterCommit(touched: Set<string>): void {
    if (this.size.bytes > this.maxBytes) this.trimmer.run(this.size, this.maxBytes * 0.98);
    for (const sink of touched) for (const fn of this.listeners) fn(sink);
  }

  /** Up to `limit` rows of a sink after `afterSeq`: alerts and evidence first (prio 0), then telemetry (1). */
  next(sink: string, prio: 0 | 1, afterSeq: number, limit: number): OutboxRow[] {
    const rows = this.selectNext.all(sink, prio, afterSeq, limit) as OutboxRow[];
    for (const r of rows) r.bytes = r.payload.length + ROW_OVERHEAD_BYTES;
    return rows;
  }

  /** Deletes delivered rows (rows dropped meanwhile are skipped). */
  ack(seqs: readonly number[]): void {
    if (seqs.length === 0) return;
    const { freed, n } = this.ackTx(seqs);
    this.size.rows -= n;
    this.size.bytes -= freed;
  }

  /** Moves a row the receiver refused for good to the dead letters, with the receiver's answer. */
  deadLetter(sink: string, row: OutboxRow, status: number | null, answer: string): void {
    this.store.db.transaction(() => {
      const len = this.deleteOne.get(row.seq) as number | undefined;
      if (len !== undefined) {
        this.size.rows--;
        this.size.bytes -= len + ROW_OVERHEAD_BYTES;
      }
      this.dead.add(sink, row, status, answer);
    })();
    this.dead.count++;
  }

  /** The newest dead letters, newest first (payloads as text, evidence as its size). */
  deadLetters(limit = 20): Record<string, unknown>[] {
    return this.dead.list(limit);
  }

  get depth(): number {
    return this.size.rows;
  }

  get sizeBytes(): number {
    return this.size.bytes;
  }

  stats(): OutboxStats {
    const oldest = this.oldest.get() as number | null;
    const bySink: Record<string, number> = {};
    for (const s of this.sinks) bySink[s.name] = 0;
    for (const r of this.countBySink.all() as { sink: string; n: number }[]) bySink[r.sink] = r.n;
    return {
      messages: this.size.rows,
      bytes: this.size.bytes,
      maxBytes: this.maxBytes,
      oldestAgeSeconds: oldest === null ? null : Math.max(0, Math.round((Date.now() - oldest) / 1000)),
      bySink,
      dropped: { ...this.dropped },
      deadLettered: this.dead.count,
      held: this.held.length,
    };
  }
}
