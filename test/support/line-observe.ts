import { expect } from 'vitest';
import { LineCounter } from '../../src/analytics/line-counter.js';
import type { LineConfig } from '../../src/config/schema.js';
import type { TrafficClass } from '../../src/domain/traffic.js';
import { MID_LINE } from './mid-line.js';

/** A 0.08 x 0.06 box on `c`, confirmed and seen long enough (level 2), at stream time `ms`. */
export function at(
  c: LineCounter,
  id: number,
  x: number,
  y: number,
  ms: number,
  level = 2,
  cls: TrafficClass = 'car',
) {
  return c.observe(id, cls, level, x, y, 0.08, 0.06, ms, ms);
}

/** A track seen twice where it starts (its crossing is then not straight from its first box). */
export function arrive(
  c: LineCounter,
  id: number,
  x: number,
  y: number,
  ms: number,
  level = 2,
  cls: TrafficClass = 'car',
) {
  at(c, id, x, y, ms - 100, level, cls);
  return at(c, id, x, y, ms, level, cls);
}

/** Nine cars (tracks 2..10) crossing down at `x` from `t0`: the line's traffic goes down, in that lane. */
export function nineDown(c: LineCounter, t0: number, x = 0.5) {
  for (let id = 2; id <= 10; id++) {
    at(c, id, x, 0.4, t0);
    at(c, id, x, 0.45, t0 + 100);
    at(c, id, x, 0.52, t0 + 200);
    at(c, id, x, 0.55, t0 + 300);
  }
  expect(c.total('down', 'car')).toBe(9);
}

/** A line that has been watching for a while (past the warm-up after the stream started). */
export function watching(line: LineConfig = MID_LINE): LineCounter {
  const c = new LineCounter('cam', line);
  at(c, 99, 0.1, 0.1, 0);
  return c;
}
