import { existsSync, statfsSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Logger } from '../log/logger.js';
import type { Spool } from './spool.js';

export interface DiskGuardHealth {
  /**
   * Free bytes of the filesystem holding the spool (for unprivileged users), plus free pages in its file
   * and the reserve file.
   */
  roomBytes: number | null;
  keepFreeBytes: number;
  /** True while the spool is at the disk's bound (below maxBytes), dropping its oldest points. */
  limiting: boolean;
  /** Points dropped (oldest first) to keep the disk from filling, since start. */
  droppedForDisk: number;
  /** Times a write found the disk full (SQLITE_FULL). */
  fullEvents: number;
  /** Whether the emergency reserve file is in place (released when the disk fills up). */
  reserve: boolean;
}

/** Fraction of the spool dropped when a write finds the disk full (at least 1 MB). */
const FULL_DROP_FRACTION = 0.1;
export const RESERVE_FILE = '.ioc-edge-disk-reserve';
const MIB = 1024 * 1024;
/** WAL pages before SQLite checkpoints while the disk is full (1000 normally, ~4 MB). */
const TIGHT_WAL_PAGES = 64;
/** Bytes of the oldest rows deleted per step (one transaction and checkpoint) on a full disk. */
const DROP_STEP_BYTES = 128 * 1024;

/**
 * Keeps the spool from filling the disk: the spool may grow only by what is free beyond `keepFreeBytes`
 * (free space of its filesystem plus free pages inside its SQLite file, which new rows reuse first);
 * past that the oldest points are dropped and counted. The alert outbox lives in the same store and so
 * always finds room.
 *
 * When something else fills the disk to the last byte, even deleting rows fails (SQLite's WAL has to
 * grow). For that moment the guard keeps a small reserve file beside the store: `makeRoom` deletes it,
 * drops the oldest tenth of the spool (pages the next writes reuse) and lets SQLite checkpoint; the
 * reserve is made again once the disk has room.
 */
export class DiskGuard {
  private limiting = false;
  private room: number | null = null;
  fullEvents = 0;
  private lastReportedDrops = 0;
  private lastReportAt = 0;
  private readonly reservePath: string;
  /** Set after the disk was found full: a small WAL until the disk has room again. */
  private tight = false;
  private lastStuckLogAt = 0;
  private readonly reserveBytes: number;

  constructor(
    private readonly spool: Spool,
    private readonly keepFreeBytes: number,
    private readonly log: Logger,
    private readonly dir = dirname(spool.store.path),
  ) {
    this.reservePath = join(dir, RESERVE_FILE);
    // Half the kept-free space, 1-8 MiB: enough for SQLite to delete rows and checkpoint on a full disk.
    this.reserveBytes = Math.min(8 * MIB, Math.max(MIB, Math.floor(keepFreeBytes / 2)));
  }

  /** Measures the room left and bounds the spool to it; cheap (one statfs, one pragma). Never throws. */
  check(): void {
    if (this.spool.store.path === ':memory:') return;
    let free: number;
    try {
      const s = statfsSync(this.dir);
      free = s.bavail * s.bsize;
    } catch {
      return; // an in-memory store, or the directory is gone: nothing to guard
    }
    try {
      // The reserve file is kept-free space held for an emergency: it counts as room.
      const reserve = existsSync(this.reservePath) ? this.reserveBytes : 0;
      const room = free + this.spool.freePagesBytes() + reserve;
      this.room = room;
      const allowed = this.spool.sizeBytes + room - this.keepFreeBytes;
      const bound = allowed < this.spool.maxBytes;
      const dropped = this.spool.limitForDisk(bound ? allowed : undefined);
      // Limiting: the disk, not maxBytes, decides what is kept (the spool is at the disk's bound).
      const limiting = bound && (dropped > 0 || this.spool.sizeBytes >= allowed * 0.9);
      if (limiting !== this.limiting) {
        this.limiting = limiting;
        if (limiting)
          this.log.warn(
            { freeBytes: free, keepFreeBytes: this.keepFreeBytes, spoolBytes: this.spool.sizeBytes, dropped },
            'disk almost full: the time-series spool keeps its newest points only; the oldest are dropped',
          );
        else
          this.log.info({ freeBytes: free }, 'disk has room again: the spool is bounded by maxBytes again');
      }
      if (free > this.reserveBytes * 2) {
        this.makeReserve();
        if (this.tight) {
          this.tight = false;
          this.spool.store.db.pragma('wal_autocheckpoint = 1000');
        }
      }
    } catch (err) {
      if (!isFull(err)) throw err;
      this.makeRoom();
    }
    this.reportDrops();
  }

  /**
   * A write found the disk full: releases the reserve if needed, drops the oldest tenth of the spool
   * (≥ 1 MB) and checkpoints. True when rows were freed. Never throws.
   */
  makeRoom(): boolean {
    this.fullEvents++;
    const db = this.spool.store.db;
    const need = Math.max(1e6, this.spool.sizeBytes * FULL_DROP_FRACTION);
    let dropped = 0;
    let freed = 0;
    try {
      // Small WAL from now on: its frames are reused after each checkpoint instead of growing the file.
      if (!this.tight) {
        this.tight = true;
        db.pragma(`wal_autocheckpoint = ${TIGHT_WAL_PAGES}`);
      }
      // Deletes in steps with a checkpoint after each, so that each fits in the WAL the file has.
      while (freed < need) {
        const before = this.spool.sizeBytes;
        const n = this.dropStep(Math.min(DROP_STEP_BYTES, need - freed));
        if (n === 0) break;
        dropped += n;
        freed += before - this.spool.sizeBytes;
      }
    } catch (err) {
      if (!isFull(err)) throw err;
    }
    // The log is on a disk too: one line per drop, and a reminder a minute while nothing helps.
    const now = Date.now();
    if (dropped > 0 || now - this.lastStuckLogAt > 60_000) {
      if (dropped === 0) this.lastStuckLogAt = now;
      this.log.error(
        { dropped, spoolBytes: this.spool.sizeBytes, reserve: existsSync(this.reservePath) },
        dropped > 0
          ? 'disk full: dropped the oldest time-series points to make room'
          : 'disk full: no room could be made; new points are dropped (counted as overflow) until there is',
      );
    }
    return dropped > 0;
  }

  /** One delete and checkpoint; on a full disk releases the reserve once and tries again. */
  private dropStep(bytes: number): number {
    for (let attempt = 0; ; attempt++) {
      try {
        const n = this.spool.dropForDisk(bytes);
        this.spool.store.db.pragma('wal_checkpoint(PASSIVE)');
        return n;
      } catch (err) {
        if (!isFull(err) || attempt > 0 || !this.releaseReserve()) throw err;
      }
    }
  }

  health(): DiskGuardHealth {
    return {
      roomBytes: this.room,
      keepFreeBytes: this.keepFreeBytes,
      limiting: this.limiting,
      droppedForDisk: this.spool.droppedForDisk,
      fullEvents: this.fullEvents,
      reserve: existsSync(this.reservePath),
    };
  }

  private makeReserve(): void {
    if (this.reserveBytes <= 0 || existsSync(this.reservePath)) return;
    try {
      writeFileSync(this.reservePath, Buffer.alloc(this.reserveBytes));
    } catch {
      try {
        unlinkSync(this.reservePath);
      } catch {
        // Not there.
      }
    }
  }

  private releaseReserve(): boolean {
    try {
      unlinkSync(this.reservePath);
      this.log.warn({ bytes: this.reserveBytes }, 'disk full: released the reserve file to make room');
      return true;
    } catch {
      return false;
    }
  }

  /** While dropping, one log line a minute with the count. */
  private reportDrops(): void {
    const total = this.spool.droppedForDisk;
    const now = Date.now();
    if (total === this.lastReportedDrops || now - this.lastReportAt < 60_000) return;
    this.log.warn(
      { dropped: total - this.lastReportedDrops, droppedTotal: total, roomBytes: this.room },
      'disk almost full: oldest time-series points dropped',
    );
    this.lastReportedDrops = total;
    this.lastReportAt = now;
  }
}

/** SQLite's "database or disk is full" (ENOSPC under it). */
export function isFull(err: unknown): boolean {
  const code = (err as { code?: unknown })?.code;
  return code === 'SQLITE_FULL' || code === 'ENOSPC';
}
