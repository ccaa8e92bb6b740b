import type { Database } from 'better-sqlite3';

/**
 * The spooled points' lines in id order, optionally only those containing `part` (a spool row holds
 * one commit's points, its lines joined by newlines).
 */
export function spooledLines(db: Database, part?: string): string[] {
  const rows = db.prepare('SELECT line FROM ts_spool ORDER BY id').pluck(true).all() as string[];
  const lines = rows.flatMap((r) => r.split('\n'));
  return part === undefined ? lines : lines.filter((l) => l.includes(part));
}

/** Points in the spool. */
export function spooledPoints(db: Database): number {
  return db.prepare('SELECT coalesce(sum(n), 0) FROM ts_spool').pluck(true).get() as number;
}
