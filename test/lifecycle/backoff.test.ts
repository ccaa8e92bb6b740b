import { describe, expect, it } from 'vitest';
import { Backoff, jitter } from '../../src/lifecycle/backoff.js';

describe('Backoff', () => {
  it('doubles from initialMs to maxMs, each delay within its jitter range', () => {
    const b = new Backoff({ initialMs: 100, maxMs: 1000, jitter: [0.5, 1] });
    const bases = [100, 200, 400, 800, 1000, 1000, 1000];
    for (const base of bases) {
      const d = b.next();
      expect(d).toBeGreaterThanOrEqual(base * 0.5);
      expect(d).toBeLessThanOrEqual(base);
    }
    expect(b.failures).toBe(bases.length);
    b.reset();
    expect(b.failures).toBe(0);
    expect(b.next()).toBeLessThanOrEqual(100);
  });

  it('with ±20 % jitter, delays grow strictly until the cap', () => {
    for (let run = 0; run < 200; run++) {
      const b = new Backoff({ initialMs: 1000, maxMs: 60_000, jitter: [0.8, 1.2] });
      let last = 0;
      for (let i = 0; i < 6; i++) {
        const d = b.next();
        expect(d).toBeGreaterThan(last);
        last = d;
      }
    }
  });

  it('a Retry-After longer than the schedule wins, up to 10 minutes', () => {
    const b = new Backoff({ initialMs: 100, maxMs: 1000, jitter: [0.5, 1] });
    expect(b.next(5000)).toBe(5000);
    expect(b.next(10)).toBeLessThanOrEqual(200);
    expect(b.next(3_600_000)).toBe(600_000);
  });

  it('refuses options that cannot make a schedule', () => {
    expect(() => new Backoff({ initialMs: 0, maxMs: 10, jitter: [0.5, 1] })).toThrow(/bad options/);
    expect(() => new Backoff({ initialMs: 10, maxMs: 5, jitter: [0.5, 1] })).toThrow(/bad options/);
    expect(() => new Backoff({ initialMs: 10, maxMs: 50, jitter: [1, 0.5] })).toThrow(/bad options/);
  });

  it('jitter() spreads a fixed delay over the same kind of range', () => {
    for (let i = 0; i < 100; i++) {
      const d = jitter(300_000, [0.8, 1.2]);
      expect(d).toBeGreaterThanOrEqual(240_000);
      expect(d).toBeLessThanOrEqual(360_000);
    }
  });
});
