import type { Store } from '../store/store.js';
import type { CommitParticipant } from '../timeseries/spool-sink.js';

const MIGRATIONS = [
  `CREATE TABLE sensor_arrivals (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     at INTEGER NOT NULL,
     entries BLOB NOT NULL
   ) STRICT;
   CREATE TABLE sensor_arrival_marks (
     device TEXT PRIMARY KEY,
     last INTEGER NOT NULL
   ) STRICT;`,
];

/** Commits kept: far more than can be unacknowledged when the process dies (one or two). */
const KEEP_COMMITS = 64;

/**
 * Arrival times of readings that carry no time of their own, so a QoS 1 message the broker delivers
 * again after a crash (committed, but killed before its PUBACK left) gets the time it was stored with
 * the first time: the same point again, which InfluxDB overwrites, instead of a duplicate.
 *
 * A message is known by its packet id and a hash of topic and payload (the broker resends a message
 * with its packet id). Each commit adds one row holding that commit's (key, time) pairs as a
 * Float64Array; the newest 64 commits are kept. Loaded at start; only redeliveries (DUP flag) look it up.
 *
 * It also keeps each device's last arrival time given: arrival times are made strictly increasing per
 * device, so a burst of more than one reading per millisecond runs ahead of the clock for a while, and
 * after a restart the device's times must continue from there, not from the clock (which would write
 * over the points of the burst).
 */
export class ArrivalLedger implements CommitParticipant {
  private keys: number[] = [];
  private readonly insert;
  private readonly trim;
  private readonly known = new Map<number, number>();
  private readonly upsertMark;
  private readonly marks = new Map<string, number>();
  private dirtyMarks = new Map<string, number>();

  constructor(store: Store) {
    store.migrate('sensors_arrivals', MIGRATIONS);
    this.insert = store.db.prepare('INSERT INTO sensor_arrivals (at, entries) VALUES (?, ?)');
    this.trim = store.db.prepare('DELETE FROM sensor_arrivals WHERE id <= ?');
    this.upsertMark = store.db.prepare(
      'INSERT INTO sensor_arrival_marks (device, last) VALUES (?, ?) ON CONFLICT(device) DO UPDATE SET last = max(last, excluded.last)',
    );
    for (const row of store.db.prepare('SELECT device, last FROM sensor_arrival_marks').all() as {
      device: string;
      last: number;
    }[])
      this.marks.set(row.device, row.last);
    for (const row of store.db.prepare('SELECT entries FROM sensor_arrivals ORDER BY id').all() as {
      entries: Buffer;
    }[]) {
      const a = new Float64Array(row.entries.buffer, row.entries.byteOffset, row.entries.byteLength / 8);
      for (let i = 0; i + 1 < a.length; i += 2) this.known.set(a[i]!, a[i + 1]!);
    }
  }

  /** Entries loaded from before this start (for tests and health). */
  get remembered(): number {
    return this.known.size;
  }

  /** The time a redelivered message was stored with before, if it was. */
  lookup(key: number): number | undefined {
    return this.known.get(key);
  }

  /** The last arrival time given to a device before this start (0 if none). */
  lastArrival(device: string): number {
    return this.marks.get(device) ?? 0;
  }

  record(key: number, timeMs: number, device: string): void {
    this.keys.push(key, timeMs);
    if (timeMs > (this.dirtyMarks.get(device) ?? 0)) this.dirtyMarks.set(device, timeMs);
  }

  hasPending(): boolean {
    return this.keys.length > 0;
  }

  inTransaction(): void {
    for (const [device, last] of this.dirtyMarks) this.upsertMark.run(device, last);
    const id = Number(
      this.insert.run(Date.now(), Buffer.from(new Float64Array(this.keys).buffer)).lastInsertRowid,
    );
    if (id > KEEP_COMMITS) this.trim.run(id - KEEP_COMMITS);
  }

  committed(): void {
    if (this.keys.length > 0) {
      this.keys = [];
      this.dirtyMarks.clear();
    }
  }
}

/** 32-bit FNV-1a of the topic and payload, times 65536, plus the packet id: below 2^48, exact in a double. */
export function messageKey(topic: string, payload: Buffer, messageId: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < topic.length; i++) {
    h ^= topic.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  for (let i = 0; i < payload.length; i++) {
    h ^= payload[i]!;
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0) * 65536 + (messageId & 0xffff);
}
