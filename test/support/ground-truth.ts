import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TrafficClass } from '../../src/domain/traffic.js';
import { MEDIA, REPO } from './vision.js';

/** One hand-counted crossing: seconds into the clip, class, optional note. */
export type TruthCrossing = [number, TrafficClass, string?];

/** A hand-counted line of a clip (test/accuracy/*-ground-truth.json). */
export interface TruthLine {
  /** Key in the truth file, e.g. "y070". */
  key: string;
  points: [[number, number], [number, number]];
  /** Directions that were counted (the others are not ground truth). */
  counted: string[];
  counts: Record<string, Partial<Record<TrafficClass, number>>>;
  uncertainty: Partial<Record<TrafficClass, number>>;
  crossings?: Record<string, TruthCrossing[]>;
}

export interface ClipTruth {
  clip: string;
  lines: TruthLine[];
}

/** Loads test/accuracy/<name>-ground-truth.json, or the media's ground-truth.json entry for the NL clip. */
export function loadTruth(name: 'nl' | 'jakarta' | 'uk-rain' | 'residential'): ClipTruth {
  if (name === 'nl') {
    const clip = 'nl_motorway_overpass.mp4';
    const t = JSON.parse(readFileSync(join(MEDIA, 'ground-truth.json'), 'utf8'))[clip];
    const times: number[] = t.crossingTimesSeconds;
    return {
      clip,
      lines: [
        {
          key: 'y050',
          points: [t.line.from, t.line.to],
          counted: ['down', 'up'],
          counts: {
            down: { car: t.counts.down.car, truck: 0, bus: 0, motorcycle: 0, person: 0 },
            up: { car: 0, truck: 0, bus: 0, motorcycle: 0, person: 0 },
          },
          uncertainty: {},
          crossings: { down: times.map((s) => [s, 'car']), up: [] },
        },
      ],
    };
  }
  const raw = JSON.parse(readFileSync(join(REPO, 'test', 'accuracy', `${name}-ground-truth.json`), 'utf8'));
  return {
    clip: raw.clip,
    lines: Object.entries(raw.lines).map(([key, l]) => {
      const line = l as Omit<TruthLine, 'key' | 'counted'> & { counted?: string[] };
      return { ...line, key, counted: line.counted ?? Object.keys(line.counts) };
    }),
  };
}

/** A counted crossing of ours or of the baseline. */
export interface GotCrossing {
  s: number;
  cls: string;
  track?: number;
}

export interface CrossingMatch {
  pairs: { truth: TruthCrossing; got: GotCrossing }[];
  missed: TruthCrossing[];
  extra: GotCrossing[];
}

/**
 * Pairs counted crossings with hand-counted ones of the same line and direction, closest in time first,
 * within `tolS` seconds (class ignored: a miscounted class shows as a pair of different classes).
 */
export function matchCrossings(truth: readonly TruthCrossing[], got: readonly GotCrossing[], tolS = 1) {
  const cand: { i: number; j: number; d: number }[] = [];
  truth.forEach((t, i) => {
    got.forEach((g, j) => {
      const d = Math.abs(t[0] - g.s);
      if (d <= tolS) cand.push({ i, j, d });
    });
  });
  cand.sort((a, b) => a.d - b.d);
  const ti = new Set<number>();
  const gj = new Set<number>();
  const out: CrossingMatch = { pairs: [], missed: [], extra: [] };
  for (const c of cand) {
    if (ti.has(c.i) || gj.has(c.j)) continue;
    ti.add(c.i);
    gj.add(c.j);
    out.pairs.push({ truth: truth[c.i]!, got: got[c.j]! });
  }
  truth.forEach((t, i) => {
    if (!ti.has(i)) out.missed.push(t);
  });
  got.forEach((g, j) => {
    if (!gj.has(j)) out.extra.push(g);
  });
  out.pairs.sort((a, b) => a.truth[0] - b.truth[0]);
  return out;
}

/**
 * How far a count may be off the hand count `truth` for a goal of "within `share` (at least 1)": 10 % of
 * 21 allows 2.1, so 24 misses. The tests, bench:accuracy's table and the summary all judge with it.
 */
export function allowedOff(truth: number, share: number): number {
  return Math.max(1, share * truth);
}
