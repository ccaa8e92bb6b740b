import type { Store } from '../store/store.js';
import { OpenAlertStore } from './open-alerts.js';
import type { AlertSeverity } from './severity.js';
import { migrateAlertTables } from './tables.js';

/** What a row carries: an alert message (JSON), its evidence JPEG, or a telemetry summary (JSON). */
export type OutboxKind = 'alert' | 'evidence' | 'telemetry';

/** Accounting overhead per row on top of the payload: the other columns, record header and cell pointer. */
const ROW_OVERHEAD_BYTES = 80;
const DEAD_LETTER_KEEP = 1000;

export interface OutboxEntry {
  kind: OutboxKind;
  alertId?: string;
  severity?: AlertSeverity;
  payload: Buffer;
}

export interface OutboxRow {
  seq: number;
  kind: OutboxKind;
  alertId: string | null;
  payload: Buffer;
  createdMs: number;
  bytes: number;
}

/** A destination draining its own copy of the rows (the IOC broker, the webhook), and what it takes. */
export interface OutboxSink {
  name: string;
  kinds: readonly OutboxKind[];
}

export interface OutboxStats {
  messages: number;
  bytes: number;
  maxBytes: number;
  oldestAgeSeconds: number | null;
  bySink: Record<string, number>;
  /** Dropped to stay under maxBytes since the store was created: telemetry first, then info alerts, then evidence. */
  dropped: { telemetry: number; infoAlerts: number; evidence: number };
  deadLettered: number;
  /** Messages held in memory because the disk is full (never dropped; written once there is room). */
  held: number;
}

const PRIO: Record<OutboxKind, number> = { alert: 0, evidence: 0, telemetry: 1 };

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
  private readonly insertDead;
  private readonly trimDead;
  private readonly bumpCounter;
  private readonly oldest;
  private readonly countBySink;
  private readonly ackTx;
  /** Open alerts' state, written in the same transactions as their messages. */
  readonly open: OpenAlertStore;
  private rows = 0;
  private bytes = 0;
  private deadLettered = 0;
  readonly dropped = { telemetry: 0, infoAlerts: 0, evidence: 0 };
  private readonly listeners: ((sink: string) => void)[] = [];
  /**
   * Called when a write finds the disk full: frees room (the time-series spool drops its oldest points)
   * and says whether it could. Alert messages are never dropped for a full disk.
   */
  makeRoom?: () => boolean;
  /** Told when writes are held in memory for a full disk (n held), and when they are written (0). */
  onHeld?: (n: number, err?: unknown) => void;
  /** Writes that met a full disk even after makeRoom, in order; retried every second. */
  private held: { write: () => void; durable: boolean; touched: Set<string> }[] = [];
  private heldTimer: NodeJS.Timeout | undefined;

  constructor(
    readonly store: Store,
    readonly sinks: readonly OutboxSink[],
    readonly maxBytes: number,
    private readonly onDrop: (what: keyof Outbox['dropped'], n: number) => void = () => {},
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
    this.insertDead = db.prepare(
      'INSERT INTO alert_dead_letters (at_ms, sink, kind, alert_id, status, answer, payload) VALUES (?, ?, ?, ?, ?, ?, ?)',
    );
    this.trimDead = db.prepare('DELETE FROM alert_dead_letters WHERE id <= ?');
    this.bumpCounter = db.prepare(
      'INSERT INTO alert_counters (name, value) VALUES (?, ?) ON CONFLICT(name) DO UPDATE SET value = value + excluded.value',
    );
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
    this.rows = row.n;
    this.bytes = row.b + row.n * ROW_OVERHEAD_BYTES;
    this.deadLettered = db.prepare('SELECT count(*) FROM alert_dead_letters').pluck(true).get() as number;
    for (const { name, value } of db.prepare('SELECT name, value FROM alert_counters').all() as {
      name: string;
      value: number;
    }[]) {
      if (name in this.dropped) this.dropped[name as keyof Outbox['dropped']] = value;
    }
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
      this.rows -= g.n;
      this.bytes -= g.b + g.n * ROW_OVERHEAD_BYTES;
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
          this.rows++;
          this.bytes += e.payload.length + ROW_OVERHEAD_BYTES;
          touched.add(sink.name);
        }
      }
      also?.();
    };
    // Order is kept: while earlier writes wait for room, later ones wait behind them.
    if (this.held.length > 0 || !this.tryCommit(write, durable)) {
      this.held.push({ write, durable, touched });
      this.heldTimer ??= setTimeout(() => this.retryHeld(), 1000);
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
    clearTimeout(this.heldTimer);
    this.retryHeld();
    clearTimeout(this.heldTimer);
    this.heldTimer = undefined;
    return this.held.length;
  }

  /** Commits `write`; on a full disk asks for room once and tries again. False: still no room. */
  private tryCommit(write: () => void, durable: boolean): boolean {
    const rows = this.rows;
    const bytes = this.bytes;
    const commit = () => (durable ? this.store.strict(write) : this.store.db.transaction(write)());
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        commit();
        return true;
      } catch (err) {
        // The transaction rolled back: so does the accounting.
        this.rows = rows;
        this.bytes = bytes;
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

  private retryHeld(): void {
    this.heldTimer = undefined;
    const had = this.held.length;
    while (this.held.length > 0) {
      const w = this.held[0]!;
      if (!this.tryCommit(w.write, w.durable)) break;
      this.held.shift();
      this.afterCommit(w.touched);
    }
    if (this.held.length > 0) this.heldTimer = setTimeout(() => this.retryHeld(), 1000);
    else if (had > 0) this.onHeld?.(0);
  }

  private afterCommit(touched: Set<string>): void {
    if (this.bytes > this.maxBytes) this.trim();
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
    this.rows -= n;
    this.bytes -= freed;
  }

  /** Moves a row the receiver refused for good to the dead letters, with the receiver's answer. */
  deadLetter(sink: string, row: OutboxRow, status: number | null, answer: string): void {
    this.store.db.transaction(() => {
      const len = this.deleteOne.get(row.seq) as number | undefined;
      if (len !== undefined) {
        this.rows--;
        this.bytes -= len + ROW_OVERHEAD_BYTES;
      }
      const id = Number(
        this.insertDead.run(
          Date.now(),
          sink,
          row.kind,
          row.alertId,
          status,
          answer.slice(0, 2000),
          row.payload,
        ).lastInsertRowid,
      );
      if (id > DEAD_LETTER_KEEP) this.trimDead.run(id - DEAD_LETTER_KEEP);
    })();
    this.deadLettered++;
  }

  /** The newest dead letters, newest first (payloads as text, evidence as its size). */
  deadLetters(limit = 20): Record<string, unknown>[] {
    const rows = this.store.db
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

  get depth(): number {
    return this.rows;
  }

  get sizeBytes(): number {
    return this.bytes;
  }

  stats(): OutboxStats {
    const oldest = this.oldest.get() as number | null;
    const bySink: Record<string, number> = {};
    for (const s of this.sinks) bySink[s.name] = 0;
    for (const r of this.countBySink.all() as { sink: string; n: number }[]) bySink[r.sink] = r.n;
    return {
      messages: this.rows,
      bytes: this.bytes,
      maxBytes: this.maxBytes,
      oldestAgeSeconds: oldest === null ? null : Math.max(0, Math.round((Date.now() - oldest) / 1000)),
      bySink,
      dropped: { ...this.dropped },
      deadLettered: this.deadLettered,
      held: this.held.length,
    };
  }

  /** Drops rows, least valuable first, until the outbox is back under maxBytes. */
  private trim(): void {
    const db = this.store.db;
    const target = this.maxBytes * 0.98;
    const steps: [keyof Outbox['dropped'], string][] = [
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
    for (const [what, sql] of steps) {
      const stmt = db.prepare(sql).pluck(true);
      let n = 0;
      while (this.bytes > target) {
        const lens = db.transaction(() => stmt.all() as number[])();
        if (lens.length === 0) break;
        for (const len of lens) this.bytes -= len + ROW_OVERHEAD_BYTES;
        this.rows -= lens.length;
        // Info alerts count once per alert, not per sink row or message.
        n += what === 'infoAlerts' ? 1 : lens.length;
      }
      if (n > 0) {
        this.dropped[what] += n;
        this.bumpCounter.run(what, n);
        this.onDrop(what, n);
      }
      if (this.bytes <= target) return;
    }
  }
}
