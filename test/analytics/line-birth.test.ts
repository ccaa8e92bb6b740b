import { describe, expect, it } from 'vitest';
import { BIRTH_GATE, LineCounter } from '../../src/analytics/line-counter.js';
import type { LineConfig } from '../../src/config/schema.js';
import { at, watching } from '../support/line-observe.js';
import { MID_LINE } from '../support/mid-line.js';

const LINE = MID_LINE;

// Tracks first seen past the line, counted back-projected to it (line-birth.ts).
describe('LineCounter: births', () => {
  describe('a track first seen past the line', () => {
    it('counts it when it was first seen just past the line and moves away as a whole', () => {
      const c = watching();
      // 0.03 past a 0.06 tall box (0.5 box heights), then moving down.
      expect(at(c, 1, 0.5, 0.53, 2000)).toBeUndefined();
      expect(at(c, 1, 0.5, 0.535, 2100)).toBeUndefined(); // moved too little to judge
      expect(at(c, 1, 0.5, 0.55, 2200)?.direction).toBe('down');
      expect(at(c, 1, 0.5, 0.6, 2300)).toBeUndefined();
      expect(c.total('down', 'car')).toBe(1);
    });

    it('counts it in the direction it moves away when first seen on the line, its box jittering across', () => {
      // UK rain, the detector less sure: a car first found 0.0006 past the line stepped 0.002 back across
      // and forth again, then drove on down. The side it was first seen on says nothing.
      const c = watching();
      expect(at(c, 1, 0.5, 0.5006, 2000, 0)).toBeUndefined();
      expect(at(c, 1, 0.5, 0.499, 2040, 0)).toBeUndefined();
      expect(at(c, 1, 0.5, 0.501, 2080, 0)).toBeUndefined();
      let got: ReturnType<typeof at>;
      for (let k = 1; k <= 8 && !got; k++)
        got = at(c, 1, 0.5, 0.501 + 0.003 * k, 2080 + 40 * k, k > 3 ? 2 : 0);
      expect(got?.direction).toBe('down');
      expect(c.total('down', 'car') + c.total('up', 'car')).toBe(1);
      // The same on a car going up.
      const u = watching();
      at(u, 2, 0.5, 0.4994, 2000, 0);
      at(u, 2, 0.5, 0.501, 2040, 0);
      at(u, 2, 0.5, 0.499, 2080, 0);
      for (let k = 1; k <= 8; k++) at(u, 2, 0.5, 0.499 - 0.003 * k, 2080 + 40 * k, k > 3 ? 2 : 0);
      expect([u.total('up', 'car'), u.total('down', 'car')]).toEqual([1, 0]);
    });

    it('waits for a track seen long enough (level 2)', () => {
      const c = watching();
      at(c, 1, 0.5, 0.53, 2000, 1);
      expect(at(c, 1, 0.5, 0.55, 2100, 1)).toBeUndefined();
      expect(at(c, 1, 0.5, 0.57, 2200, 2)?.direction).toBe('down');
    });

    it('does not count it when first seen further than BIRTH_GATE box heights past the line', () => {
      const c = watching();
      at(c, 1, 0.5, 0.5 + 0.06 * (BIRTH_GATE + 0.2), 2000);
      at(c, 1, 0.5, 0.6, 2100);
      at(c, 1, 0.5, 0.65, 2200);
      expect(c.total('down', 'car')).toBe(0);
    });

    it('does not count a box that only grows at one end (a vehicle coming out from behind another)', () => {
      const c = watching();
      c.observe(1, 'car', 2, 0.5, 0.53, 0.08, 0.06, 2000, 2000);
      // The top stays at 0.50, the bottom grows from 0.56 to 0.66: the centre "moves" 0.05 down.
      c.observe(1, 'car', 2, 0.5, 0.58, 0.08, 0.16, 2100, 2100);
      c.observe(1, 'car', 2, 0.5, 0.6, 0.08, 0.16, 2200, 2200);
      expect(c.total('down', 'car')).toBe(0);
    });

    it('does not count it when it moves back toward the line', () => {
      const c = watching();
      at(c, 1, 0.5, 0.54, 2000);
      at(c, 1, 0.5, 0.52, 2100);
      at(c, 1, 0.5, 0.51, 2200);
      expect(c.total('down', 'car')).toBe(0);
    });

    it('does not count what is in view when the stream starts', () => {
      const c = new LineCounter('cam', LINE);
      at(c, 1, 0.5, 0.53, 0);
      at(c, 1, 0.5, 0.56, 100);
      at(c, 1, 0.5, 0.6, 200);
      expect(c.total('down', 'car')).toBe(0);
    });

    it('counts a road user first found past the line soon after the stream starts, when it crossed since', () => {
      const c = new LineCounter('cam', LINE);
      at(c, 99, 0.1, 0.1, 0);
      // Found at 0.5 s, half a box past the line, 0.03 further on each 0.1 s: it crossed at about 0.4 s.
      expect(at(c, 1, 0.5, 0.53, 500)).toBeUndefined();
      expect(at(c, 1, 0.5, 0.56, 600)?.direction).toBe('down');
      at(c, 1, 0.5, 0.59, 700);
      expect(c.total('down', 'car')).toBe(1);
    });

    it('does not count one found soon after the stream starts whose motion says it crossed before', () => {
      // Found `foundMs` into the stream most of a box past the line, 0.01 further on each 0.1 s: it crossed
      // about 0.55 s before it was found.
      const counted = (foundMs: number) => {
        const c = new LineCounter('cam', LINE);
        at(c, 99, 0.1, 0.1, 0);
        for (const [y, ms] of [
          [0.555, 0],
          [0.565, 100],
          [0.575, 200],
          [0.595, 400],
        ] as const)
          at(c, 1, 0.5, y, foundMs + ms);
        return c.total('down', 'car');
      };
      expect(counted(200)).toBe(0);
      // The same first sighting a second into the stream counts (the warm-up is over).
      expect(counted(1200)).toBe(1);
    });

    it('does not count it when its path back does not meet the segment', () => {
      const c = watching({
        ...LINE,
        points: [
          [0.2, 0.5],
          [0.4, 0.5],
        ],
      });
      at(c, 1, 0.6, 0.53, 2000);
      at(c, 1, 0.6, 0.56, 2100);
      at(c, 1, 0.6, 0.6, 2200);
      expect(c.total('down', 'car')).toBe(0);
    });
  });

  describe('a vehicle entering the picture past a line drawn to the border', () => {
    const SLANT: LineConfig = {
      ...LINE,
      points: [
        [0, 0.8],
        [1, 0.8],
      ],
      directions: ['down', 'up'],
    };
    /**
     * A 0.08 x 0.06 box first seen half its height past the line with its left edge at `x1`, moving up
     * and to the right: the straight path back meets the line 0.15 left of where it was first seen.
     */
    function enter(c: LineCounter, x1: number) {
      for (let i = 0; i < 4; i++) at(c, 1, x1 + 0.04 + i * 0.06, 0.77 - i * 0.012, 2000 + i * 100);
    }

    it('counts it: the line goes on beyond the picture, where it crossed', () => {
      const c = watching(SLANT);
      enter(c, 0.005);
      expect(c.total('up', 'car')).toBe(1);
    });

    it('does not count the same path first seen inside the picture (it came from beyond the line end)', () => {
      const c = watching({
        ...SLANT,
        points: [
          [0.1, 0.8],
          [1, 0.8],
        ],
      });
      enter(c, 0.005);
      expect(c.total('up', 'car')).toBe(0);
      const d = watching(SLANT);
      enter(d, 0.05);
      expect(d.total('up', 'car')).toBe(0);
    });

    it('a fragment carries the judging of its track first seen past the line on', () => {
      const c = watching(SLANT);
      at(c, 1, 0.045, 0.78, 2000);
      at(c, 1, 0.05, 0.778, 2100); // lost before it moved enough to judge
      c.forget(1, 2200);
      expect(c.tracks.inherit(2, 1)).toBe(true);
      at(c, 2, 0.085, 0.765, 2300);
      at(c, 2, 0.105, 0.755, 2400);
      expect(c.total('up', 'car')).toBe(1);
    });
  });
});
