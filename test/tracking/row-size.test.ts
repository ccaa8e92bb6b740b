import { describe, expect, it } from 'vitest';
import { ByteTracker } from '../../src/tracking/byte-tracker.js';
import { RowSizeModel, RowWidthModel } from '../../src/tracking/row-size.js';
import { Track } from '../../src/tracking/track.js';
import { type SimObject, simulate } from '../support/synthetic-traffic.js';

/** A car's width at bottom row y2 in the synthetic road view (perspective: linear in the row). */
const carWidth = (y2: number) => 0.02 + 0.15 * y2;

/** Deterministic pseudo-random numbers in [0, 1). */
function lcg(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** Feeds `n` car boxes at rows 0.4..0.95 whose width is carWidth(y2) times `spread(rand)`. */
function feed(m: RowWidthModel, n: number, spread: (r: number) => number, score = 0.8): void {
  const rand = lcg(7);
  for (let i = 0; i < n; i++) {
    const y2 = 0.4 + 0.55 * rand();
    const w = carWidth(y2) * spread(rand());
    const x1 = 0.1 + 0.5 * rand();
    m.add(score, x1, y2 - w * 0.8, x1 + w, y2);
  }
}

describe('RowWidthModel', () => {
  it('learns a car width per row from confident car boxes and rates other boxes against it', () => {
    const m = new RowWidthModel();
    feed(m, 400, (r) => 0.92 + 0.16 * r);
    expect(m.ready).toBe(true);
    const y2 = 0.8;
    const w = carWidth(y2);
    expect(m.ratio(0.3, 0.7, 0.3 + w, y2)).toBeCloseTo(1, 1);
    expect(m.ratio(0.3, 0.6, 0.3 + 1.5 * w, y2)).toBeCloseTo(1.5, 1);
    // A box cut by the frame edge has no meaningful width.
    expect(m.ratio(0, 0.7, w, y2)).toBeNaN();
  });

  it('stays unused where car widths follow no line (cars crossing a junction at every angle)', () => {
    const m = new RowWidthModel();
    feed(m, 2000, (r) => 0.5 + 1.2 * r);
    expect(m.ready).toBe(false);
    expect(m.ratio(0.3, 0.7, 0.45, 0.8)).toBeNaN();
  });

  it('learns nothing from weak boxes or from too few', () => {
    const weak = new RowWidthModel();
    feed(weak, 1000, () => 1, 0.3);
    expect(weak.ready).toBe(false);
    const few = new RowWidthModel();
    feed(few, 99, () => 1);
    expect(few.ready).toBe(false);
    // A hundred confident car boxes that fit: about 7 s of a motorway in rain at 10 fps.
    feed(few, 1, () => 1);
    expect(few.ready).toBe(true);
  });
});

describe('RowSizeModel measuring heights', () => {
  it('learns a height per row, and measures boxes cut at the side but not at the top or bottom', () => {
    const m = new RowSizeModel({ measure: 'height', minScore: 0.3, minFitShare: 0.6, minSamples: 100 });
    const rand = lcg(5);
    for (let i = 0; i < 300; i++) {
      const y2 = 0.5 + 0.45 * rand();
      const h = carWidth(y2) * (0.95 + 0.1 * rand());
      // At the left edge: no width to trust, but a whole height.
      m.add(0.4, 0, y2 - h, 0.03, y2);
    }
    expect(m.ready).toBe(true);
    expect(m.at(0.7)).toBeCloseTo(carWidth(0.7), 2);
    expect(m.ratio(0, 0.7 - carWidth(0.7), 0.02, 0.7)).toBeCloseTo(1, 1);
    expect(m.ratio(0.4, 0, 0.5, 0.3)).toBeNaN();
  });
});

describe('ByteTracker: buses and trucks as wide as a car', () => {
  /** Cars in four lanes at rows 0.45..0.9 (the width model's evidence), plus `extra`. */
  function scene(extra: SimObject[]): Map<string, string> {
    const lanes = [0.45, 0.6, 0.75, 0.9];
    const objects: SimObject[] = [];
    for (let i = 0; i < 24; i++) {
      const y2 = lanes[i % 4]!;
      const w = carWidth(y2) * (0.95 + 0.1 * ((i * 7) % 5) * 0.25);
      const h = w * 0.8;
      objects.push({
        name: `car${i}`,
        cls: 'car',
        x: -0.1 - 0.12 * Math.floor(i / 4),
        y: y2 - h / 2,
        w,
        h,
        vx: 0.12,
        vy: 0,
      });
    }
    objects.push(...extra);
    const { results, truth } = simulate(objects, 10, 14);
    const tracker = new ByteTracker();
    const classes = new Map<string, string>();
    for (const r of results) {
      tracker.update(r);
      for (const t of tracker.tracks) {
        if (!t.matched || !t.confirmed) continue;
        const det = r.detections.find((d) => d.x1 === t.x1 && d.y1 === t.y1 && d.x2 === t.x2);
        if (det) classes.set(truth.get(det)!, t.cls);
      }
    }
    return classes;
  }

  it('calls a "bus" no wider than the cars at its row a car, and keeps a bus 1.5x as wide', () => {
    const y2 = 0.7;
    const w = carWidth(y2);
    const classes = scene([
      // A car with its spray plume: car-wide, tall, named bus by the model.
      { name: 'spray', cls: 'bus', x: -0.3, y: y2 - w * 0.7, w, h: w * 1.4, vx: 0.1, vy: 0, from: 8 },
      {
        name: 'lorry',
        cls: 'truck',
        x: -0.3,
        y: y2 - w * 0.8,
        w: 1.5 * w,
        h: w * 1.6,
        vx: 0.1,
        vy: 0,
        from: 8,
      },
    ]);
    expect(classes.get('spray')).toBe('car');
    expect(classes.get('lorry')).toBe('truck');
    expect(classes.get('car0')).toBe('car');
  });

  it('calls a "car" no wider than half the cars at its row a motorcycle, and keeps a car two thirds as wide', () => {
    const at = (y2: number, share: number, name: string): SimObject => {
      const w = carWidth(y2) * share;
      // Wider than tall: not caught by the aspect rule (correctClasses), only by the width at its row.
      return { name, cls: 'car', x: -0.3, y: y2 - w * 0.8, w, h: w * 0.8, vx: 0.1, vy: 0, from: 8 };
    };
    const classes = scene([at(0.7, 0.4, 'motorcycle front'), at(0.85, 0.65, 'small car')]);
    expect(classes.get('motorcycle front')).toBe('motorcycle');
    expect(classes.get('small car')).toBe('car');
    expect(classes.get('car0')).toBe('car');
  });

  it('calls a faint "car" 1.6x as wide as the cars at its row a truck; keeps a van, and a sure car at an angle', () => {
    const at = (y2: number, share: number, score: number, name: string): SimObject => {
      const w = carWidth(y2) * share;
      return { name, cls: 'car', x: -0.3, y: y2 - w * 0.8, w, h: w * 1.1, vx: 0.1, vy: 0, score, from: 8 };
    };
    const classes = scene([
      // A tanker's rear in spray, a faint "car" to the model.
      at(0.7, 1.6, 0.3, 'tanker'),
      at(0.85, 1.15, 0.3, 'van'),
      // A car seen at an angle is as wide, but the model is sure of it.
      at(0.55, 1.6, 0.8, 'angled car'),
    ]);
    expect(classes.get('tanker')).toBe('truck');
    expect(classes.get('van')).toBe('car');
    expect(classes.get('angled car')).toBe('car');
    expect(classes.get('car0')).toBe('car');
  });

  it('calls a faint wide "car" a truck only from its fifth box (a merged box of two cars is wide for a box or two)', () => {
    // Born on the box of a car passing a parked one (2x a car), then on the parked car alone (1.2x).
    const t = new Track();
    t.start(1, 'car', 0.35, 0.5, 0.2, 0.77, 0.43, 2);
    const seen: string[] = [];
    for (const ratio of [1.9, 1.2, 1.6, 1.6, 1.6]) {
      t.observe('car', 0.3, 0.35, 0.2, 0.46, 0.33, ratio);
      seen.push(t.cls);
    }
    // Mean width after each box: 1.95, 1.7, 1.68 (a car at four boxes), 1.66 (a truck at five), 1.65.
    expect(seen).toEqual(['car', 'car', 'car', 'truck', 'truck']);
  });
});
