import { describe, expect, it } from 'vitest';
import { RecentReadings } from '../../src/sensors/recent-readings.js';

describe('RecentReadings', () => {
  it('keeps the last value and one point per 10 s, at most 90, oldest first', () => {
    const r = new RecentReadings();
    const t0 = 1_700_000_000_000;
    for (let i = 0; i < 200; i++) r.record('d', 'level', i, t0 + i * 5000);
    expect(r.values('d')).toEqual({ level: 199 });
    const h = r.history('d').level!;
    expect(h).toHaveLength(90);
    expect(h[0]).toEqual([t0 + 20 * 5000, 20]);
    expect(h.at(-1)).toEqual([t0 + 198 * 5000, 198]);
    expect(r.values('other')).toEqual({});
  });
});
