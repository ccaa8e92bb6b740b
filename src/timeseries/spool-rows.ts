import type { Precision } from './point.js';

/** Precision codes stored per row (SQLite stores 0 and 1 in no payload bytes at all). */
export const PRECISIONS: readonly Precision[] = ['ns', 'ms', 'us', 's'];
export const precisionCode = (p: Precision): number => PRECISIONS.indexOf(p);

/**
 * Accounting overhead per row on top of its text's UTF-8 bytes: rowid, `at`, `p`, `n`, the record header
 * and the b-tree cell pointer. A row holds one commit's points; the bench measures the real file bytes.
 */
export const ROW_OVERHEAD_BYTES = 20;

/** Points read from the spool (one line each, with its point id), into arrays reused between reads. */
export interface SpoolBatch {
  ids: number[];
  lines: string[];
  precision: Precision;
  length: number;
}

export function newBatch(): SpoolBatch {
  return { ids: [], lines: [], precision: 'ms', length: 0 };
}
