import { describe, expect, it } from 'vitest';
import { ENDED_TTL_MS, LineCounter } from '../../src/analytics/line-counter.js';
import { arrive, at, watching } from '../support/line-observe.js';
import { MID_LINE } from '../support/mid-line.js';

const LINE = MID_LINE;

// A track that broke up: the fragment that continues it takes its line state over (inherit, line-fragments.ts).
describe('LineCounter: fragments', () => {
  it('a fragment of a counted track is not counted again', () => {
    const c = new LineCounter('cam', LINE);
    arrive(c, 1, 0.5, 0.4, 2000);
    at(c, 1, 0.5, 0.55, 2100);
    at(c, 1, 0.5, 0.58, 2200);
    expect(c.total('down', 'car')).toBe(1);
    c.forget(1, 2300);
    // A new track just past the line where track 1 went: it continues it.
    expect(c.tracks.inherit(2, 1)).toBe(true);
    arrive(c, 2, 0.5, 0.6, 2400);
    at(c, 2, 0.5, 0.65, 2500);
    at(c, 2, 0.5, 0.7, 2600);
    expect(c.total('down', 'car')).toBe(1);
  });

  it('a fragment of an ended, counted track that comes back across the line counts nothing', () => {
    const c = new LineCounter('cam', LINE);
    arrive(c, 1, 0.5, 0.4, 2000);
    at(c, 1, 0.5, 0.55, 2100);
    at(c, 1, 0.5, 0.58, 2200);
    c.forget(1, 2300);
    // The fragment takes over the ended track's state (counted), not a blank one.
    expect(c.tracks.inherit(2, 1)).toBe(true);
    for (const [i, y] of [0.57, 0.54, 0.51, 0.48, 0.45, 0.42].entries()) at(c, 2, 0.5, y, 2400 + i * 100);
    expect(c.total('down', 'car')).toBe(1);
    expect(c.total('up', 'car')).toBe(0);
  });

  /** Track 1 going down, last seen at 0.35 (2.1 s), ended; track 2, 2 s later, continues it at `y`. */
  const unseen = (y: number) => {
    const c = watching();
    arrive(c, 1, 0.5, 0.3, 2000);
    at(c, 1, 0.5, 0.35, 2100);
    c.forget(1, 4100);
    expect(c.tracks.inherit(2, 1)).toBe(true);
    at(c, 2, 0.5, y, 4200);
    return c;
  };

  it('a fragment found past the line after a long gap that goes back toward it does not count the lost track', () => {
    // Another vehicle, coming the other way, where the lost one was predicted.
    const c = unseen(0.7);
    for (const [i, y] of [0.69, 0.67, 0.64, 0.6, 0.56, 0.52, 0.48, 0.44, 0.4].entries())
      at(c, 2, 0.5, y, 4300 + i * 100);
    expect(c.total('down', 'car')).toBe(0);
  });

  it('a fragment found past the line after a long gap counts once it moves on, or at its end if it stayed', () => {
    const c = unseen(0.6);
    at(c, 2, 0.5, 0.6, 4300);
    expect(c.total('down', 'car')).toBe(0);
    at(c, 2, 0.5, 0.64, 4400);
    expect(c.total('down', 'car')).toBe(1);
    // Found standing past the line (a queue), and ending there.
    const d = unseen(0.6);
    for (const t of [4300, 4400, 4500]) at(d, 2, 0.5, 0.6, t);
    expect(d.forget(2, 4600)?.direction).toBe('down');
    // Found past the line, then back toward it, and ending: nothing.
    const e = unseen(0.7);
    for (const [i, y] of [0.68, 0.65, 0.62].entries()) at(e, 2, 0.5, y, 4300 + i * 100);
    expect(e.forget(2, 4600)).toBeUndefined();
    expect(e.total('down', 'car')).toBe(0);
  });

  /** Track 1 lost before the line, and track 2 taking its state over. */
  const continued = () => {
    const c = new LineCounter('cam', LINE);
    arrive(c, 1, 0.5, 0.4, 2000);
    at(c, 1, 0.5, 0.45, 2100);
    expect(c.tracks.inherit(2, 1)).toBe(true);
    return c;
  };

  it('a fragment that goes on across the line where its track broke off is counted once', () => {
    const c = continued();
    // The new track took over past the line.
    arrive(c, 2, 0.5, 0.56, 2300);
    at(c, 2, 0.5, 0.6, 2400);
    expect(c.total('down', 'car')).toBe(1);
    // The old track, should it come back, counts nothing more.
    at(c, 1, 0.5, 0.62, 2500);
    at(c, 1, 0.5, 0.66, 2600);
    expect(c.total('down', 'car')).toBe(1);
  });

  it('a lost track found again after a fragment took its state over counts, once for both', () => {
    // The new track appeared where track 1 should be...
    const c = continued();
    at(c, 2, 0.5, 0.46, 2200);
    // ... but the tracker finds track 1 again on its vehicle, which crosses; the fragment stays behind.
    at(c, 1, 0.5, 0.52, 2300);
    at(c, 1, 0.5, 0.56, 2400);
    expect(c.total('down', 'car')).toBe(1);
    // The fragment crossing later is the same vehicle's second track: nothing more.
    at(c, 2, 0.5, 0.55, 2500);
    at(c, 2, 0.5, 0.6, 2600);
    expect(c.total('down', 'car')).toBe(1);
  });

  it('keeps an ended track only ENDED_TTL_MS', () => {
    const c = new LineCounter('cam', LINE);
    at(c, 1, 0.5, 0.4, 2000);
    c.forget(1, 2100);
    expect([...c.tracks.endedIds(2100 + ENDED_TTL_MS)]).toEqual([1]);
    expect([...c.tracks.endedIds(2101 + ENDED_TTL_MS)]).toEqual([]);
    expect(c.tracks.inherit(3, 99)).toBe(false);
  });
});
