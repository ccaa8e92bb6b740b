import type { Precision } from './point.js';

/** Precision codes stored per row (SQLite stores 0 and 1 in no payload bytes at all). */
export const PRECISIONS: readonly Precision[] = ['ns', 'ms', 'us', 's'];
export const precisionCode = (p: Precision): number => PRECISIONS.indexOf(p);

/**
 * Accounting overhead per row on top of the line's UTF-8 bytes: rowid, `at`, `p`, the record header and
 * the b-tree cell pointer. The bench measures the real file bytes per point.
 */
export const ROW_OVERHEAD_BYTES = 20;

/** A batch read from the spool, into arrays reused between reads. */
export interface SpoolBatch {
  ids: number[];
  lines: string[];
  bytes: number[];
  precision: Precision;
  length: number;
}

export function newBatch(): SpoolBatch {
  return { ids: [], lines: [], bytes: [], precision: 'ms', length: 0 };
}
