import type { LineCounter } from '../../src/analytics/line-counter.js';
import type { TrafficClass } from '../../src/domain/traffic.js';

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
