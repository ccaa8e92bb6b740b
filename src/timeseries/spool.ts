import type { Store } from '../store/store.js';
import type { Precision } from './point.js';
import { SpoolInsert } from './spool-insert.js';
import { SpoolRemove } from './spool-remove.js';
import { PRECISIONS, precisionCode, ROW_OVERHEAD_BYTES, type SpoolBatch } from './spool-rows.js';

export { newBatch, type SpoolBatch } from './spool-rows.js';

export interface SpoolStats {
  points: number;
  bytes: number;
  maxBytes: number;
  /** maxBytes, or less while the disk is almost full. */
  bound: number;
  oldestAt: number | null;
  dropped: number;
  droppedForDisk: number;
  deadLettered: number;
}

const DEAD_LETTER_KEEP = 10_000;

/**
 * The time-series spool: line-protocol points in the gateway's SQLite store, appended in transactions,
 * read in id order, deleted once the server acknowledged them. Bounded: past `maxBytes` of row data
 * the oldest points are dropped (and counted). Alerts never live here (they have their own outbox).
 *
 * Every point has an id (they only grow); a row holds the points of one commit, ids id-n+1..id, as `n`
 * lines joined by newlines (a spool written before rows held one point each reads as rows of n = 1).
 * Reads, acknowledgements and dead letters work on point ids: a range that cuts a row rewrites it
 * with the points outside the range. Drops for space take whole rows, oldest first.
 */
export class Spool {
  private readonly appendRows: SpoolInsert;
  private readonly remove: SpoolRemove;
  private readonly selectFrom;
  private readonly deleteThrough;
  private readonly oldest;
  private readonly oldestSizes;
  private readonly insertDead;
  private readonly trimDead;
  private readonly deadTx;
  private points = 0;
  private bytes = 0;
  private lastId = 0;
  dropped = 0;
  /** Of `dropped`, the rows dropped because the disk was (almost) full rather than past maxBytes. */
  droppedForDisk = 0;
  deadLettered = 0;
  /** A lower bound than maxBytes set while the disk is almost full (DiskGuard); undefined otherwise. */
  private diskBound: number | undefined;

  constructor(
    readonly store: Store,
    readonly maxBytes: number,
  ) {
    store.migrate('timeseries', [
      `CREATE TABLE ts_spool (
         id INTEGER PRIMARY KEY AUTOINCREMENT,
         at INTEGER NOT NULL,
         p INTEGER NOT NULL,
         line TEXT NOT NULL
       ) STRICT;
       CREATE TABLE ts_dead_letter (
         id INTEGER PRIMARY KEY AUTOINCREMENT,
         at INTEGER NOT NULL,
         line TEXT NOT NULL,
         error TEXT NOT NULL
       ) STRICT;`,
      // One row per commit: `n` points (lines joined by newlines), ids id-n+1..id. Old rows hold one.
      'ALTER TABLE ts_spool ADD COLUMN n INTEGER NOT NULL DEFAULT 1;',
    ]);
    const db = store.db;
    this.appendRows = new SpoolInsert(db);
    this.remove = new SpoolRemove(db);
    this.selectFrom = db.prepare('SELECT id, n, p, line FROM ts_spool WHERE id > ? ORDER BY id').raw(true);
    this.deleteThrough = db.prepare('DELETE FROM ts_spool WHERE id <= ?');
    this.oldest = db.prepare('SELECT at FROM ts_spool ORDER BY id LIMIT 1').pluck(true);
    this.oldestSizes = db
      .prepare('SELECT id, n, octet_length(line) FROM ts_spool WHERE id > ? ORDER BY id LIMIT 256')
      .raw(true);
    this.insertDead = db.prepare('INSERT INTO ts_dead_letter (at, line, error) VALUES (?, ?, ?)');
    this.trimDead = db.prepare('DELETE FROM ts_dead_letter WHERE id <= ?');
    this.deadTx = db.transaction((id: number, line: string, error: string, at: number) => {
      const gone = this.remove.run(id, id);
      const dead = Number(this.insertDead.run(at, line, error).lastInsertRowid);
      if (dead > DEAD_LETTER_KEEP) this.trimDead.run(dead - DEAD_LETTER_KEEP);
      return gone;
    });

    const row = db
      .prepare(
        'SELECT count(*) AS r, coalesce(sum(n), 0) AS n, coalesce(sum(octet_length(line)), 0) AS b, coalesce(max(id), 0) AS m FROM ts_spool',
      )
      .get() as { r: number; n: number; b: number; m: number };
    this.points = row.n;
    this.bytes = row.b + row.r * ROW_OVERHEAD_BYTES;
    const seq = db.prepare("SELECT seq FROM sqlite_sequence WHERE name = 'ts_spool'").pluck(true).get() as
      | number
      | undefined;
    this.lastId = Math.max(row.m, seq ?? 0);
    this.deadLettered = db.prepare('SELECT count(*) FROM ts_dead_letter').pluck(true).get() as number;
  }

  /** Highest id ever appended (ids only grow). */
  get maxId(): number {
    return this.lastId;
  }

  get depth(): number {
    return this.points;
  }

  get sizeBytes(): number {
    return this.bytes;
  }

  /**
   * Appends the first `n` lines as one row in one transaction (durable when this returns), then drops
   * the oldest rows if the spool is over its bound. `newlines`: some line holds a newline of its own (a
   * string field): then each point is a row of its own. Returns the id of the last point; the points'
   * ids are the `n` consecutive ids ending there. `during` runs inside the same transaction (other
   * tables that must commit atomically with the points).
   */
  append(
    lines: readonly string[],
    n: number,
    precision: Precision,
    at: number,
    during?: () => void,
    newlines = false,
  ): number {
    if (n === 0 && !during) return this.lastId;
    const own = lines.length === n ? lines : lines.slice(0, n);
    const text = newlines || n === 0 ? undefined : n === 1 ? own[0]! : own.join('\n');
    this.appendRows.run(own, text, n, this.lastId, precisionCode(precision), at, during);
    if (n === 0) return this.lastId;
    this.lastId += n;
    this.points += n;
    if (text !== undefined) this.bytes += Buffer.byteLength(text) + ROW_OVERHEAD_BYTES;
    else for (let i = 0; i < n; i++) this.bytes += Buffer.byteLength(own[i]!) + ROW_OVERHEAD_BYTES;
    const bound = this.bound;
    if (this.bytes > bound) {
      try {
        this.dropOldest(this.bytes - bound * 0.99, bound < this.maxBytes);
      } catch {
        // The rows are committed either way; a full disk refused the delete: the next append or the
        // disk guard drops them.
      }
    }
    return this.lastId;
  }

  /** What the spool may hold now: maxBytes, or less while the disk is almost full. */
  get bound(): number {
    return this.diskBound === undefined ? this.maxBytes : Math.min(this.maxBytes, this.diskBound);
  }

  /**
   * Bounds the spool below maxBytes while the disk is almost full (undefined lifts it); rows past the
   * new bound are dropped at once, oldest first. Returns how many were dropped.
   */
  limitForDisk(bytes: number | undefined): number {
    this.diskBound = bytes === undefined ? undefined : Math.max(0, Math.floor(bytes));
    if (this.bytes <= this.bound) return 0;
    const before = this.dropped;
    this.dropOldest(this.bytes - this.bound, true);
    return this.dropped - before;
  }

  /** Drops at least `bytes` of the oldest rows now (the disk is full); returns how many rows went. */
  dropForDisk(bytes: number): number {
    const before = this.dropped;
    this.dropOldest(bytes, true);
    return this.dropped - before;
  }

  /** Bytes SQLite has free inside the database file (pages of deleted rows, reused before the file grows). */
  freePagesBytes(): number {
    const db = this.store.db;
    return (
      (db.pragma('freelist_count', { simple: true }) as number) *
      (db.pragma('page_size', { simple: true }) as number)
    );
  }

  /** Drops the oldest rows until at least `need` bytes are freed (a little slack avoids dropping every commit). */
  private dropOldest(need: number, forDisk = false): void {
    let freed = 0;
    let through = 0;
    let n = 0;
    while (freed < need) {
      const rows = this.oldestSizes.all(through) as [number, number, number][];
      if (rows.length === 0) break;
      for (let i = 0; i < rows.length && freed < need; i++) {
        through = rows[i]![0];
        n += rows[i]![1];
        freed += rows[i]![2] + ROW_OVERHEAD_BYTES;
      }
    }
    if (n === 0) return;
    this.deleteThrough.run(through);
    this.points -= n;
    this.bytes -= freed;
    this.dropped += n;
    if (forDisk) this.droppedForDisk += n;
  }

  /**
   * Reads up to `limit` points with afterId < id < beforeId in id order into `out`, stopping early where
   * the precision changes (a request has one precision). Returns the number of points read.
   */
  read(afterId: number, beforeId: number, limit: number, out: SpoolBatch): number {
    out.length = 0;
    let code = -1;
    for (const row of this.selectFrom.iterate(afterId) as Iterable<[number, number, number, string]>) {
      const [id, n, p, text] = row;
      const first = id - n + 1;
      if (first >= beforeId) break;
      if (code === -1) code = p;
      else if (p !== code) break;
      const lines = n === 1 ? [text] : text.split('\n');
      if (lines.length !== n)
        throw new Error(`spool row ${id}: ${lines.length} lines where ${n} were written`);
      for (
        let k = Math.max(0, afterId + 1 - first);
        k < n && first + k < beforeId && out.length < limit;
        k++
      ) {
        const i = out.length++;
        out.ids[i] = first + k;
        out.lines[i] = lines[k]!;
      }
      if (out.length >= limit) break;
    }
    out.precision = PRECISIONS[code] ?? 'ms';
    return out.length;
  }

  /** Deletes points `from..to` of a batch (indices into it) once the server acknowledged them. */
  ack(batch: SpoolBatch, from: number, to: number): void {
    if (to < from) return;
    const gone = this.remove.run(batch.ids[from]!, batch.ids[to]!);
    this.points -= gone.points;
    this.bytes -= gone.bytes;
  }

  /** Moves one line the server rejected to the dead-letter table with the server's message. */
  deadLetter(batch: SpoolBatch, i: number, error: string, at: number): void {
    const gone = this.deadTx(batch.ids[i]!, batch.lines[i]!, error, at) as { points: number; bytes: number };
    this.points -= gone.points;
    this.bytes -= gone.bytes;
    this.deadLettered++;
  }

  /** Most recent dead letters, newest first. */
  deadLetters(limit = 100): { at: number; line: string; error: string }[] {
    return this.store.db
      .prepare('SELECT at, line, error FROM ts_dead_letter ORDER BY id DESC LIMIT ?')
      .all(limit) as { at: number; line: string; error: string }[];
  }

  /** Enqueue time (ms) of the oldest row, or null when empty. */
  oldestAt(): number | null {
    return (this.oldest.get() as number | undefined) ?? null;
  }

  stats(): SpoolStats {
    return {
      points: this.points,
      bytes: this.bytes,
      maxBytes: this.maxBytes,
      bound: this.bound,
      oldestAt: this.oldestAt(),
      dropped: this.dropped,
      droppedForDisk: this.droppedForDisk,
      deadLettered: this.deadLettered,
    };
  }
}
