import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';

export type Db = Database.Database;

/**
 * The gateway's one local database: the time-series spool and the alert outbox live here.
 * WAL with synchronous=NORMAL: a committed transaction survives a process crash; after a power cut the
 * last few hundred milliseconds of commits may roll back, but the file is never corrupted. Modules that
 * cannot accept that (the alert outbox) commit through `strict()`, which forces FULL for that transaction.
 */
export class Store {
  readonly db: Db;

  constructor(readonly path: string) {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    this.db = new Database(path);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma('busy_timeout = 5000');
    this.db.pragma('foreign_keys = ON');
    this.db.exec(
      'CREATE TABLE IF NOT EXISTS schema_versions (module TEXT PRIMARY KEY, version INTEGER NOT NULL) STRICT',
    );
  }

  /**
   * Applies a module's migrations once each, in order, so each module owns its tables.
   * `steps[i]` brings the module from version i to i+1.
   */
  migrate(module: string, steps: string[]): void {
    const row = this.db.prepare('SELECT version FROM schema_versions WHERE module = ?').get(module) as
      | { version: number }
      | undefined;
    const current = row?.version ?? 0;
    if (current > steps.length) {
      throw new Error(
        `store ${this.path}: module ${module} is at version ${current}, newer than this build knows`,
      );
    }
    const apply = this.db.transaction(() => {
      for (let v = current; v < steps.length; v++) this.db.exec(steps[v]!);
      this.db
        .prepare(
          'INSERT INTO schema_versions (module, version) VALUES (?, ?) ON CONFLICT(module) DO UPDATE SET version = excluded.version',
        )
        .run(module, steps.length);
    });
    apply();
  }

  /**
   * Runs `fn` in one transaction committed with synchronous=FULL: when this returns, the commit is on disk
   * and survives a power cut (the alert outbox). Other writers keep NORMAL.
   */
  strict<T>(fn: () => T): T {
    this.db.pragma('synchronous = FULL');
    try {
      return this.db.transaction(fn)();
    } finally {
      this.db.pragma('synchronous = NORMAL');
    }
  }

  /** Bytes used by the database file and its WAL. */
  sizeBytes(): number {
    const pages = this.db.pragma('page_count', { simple: true }) as number;
    const size = this.db.pragma('page_size', { simple: true }) as number;
    return pages * size;
  }

  close(): void {
    if (!this.db.open) return;
    try {
      this.db.pragma('wal_checkpoint(TRUNCATE)');
    } catch {
      // A full disk refuses the checkpoint: the WAL stays beside the file and is applied at the next open.
    } finally {
      this.db.close();
    }
  }
}
