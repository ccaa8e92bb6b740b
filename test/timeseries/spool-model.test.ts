import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Store } from '../../src/store/store.js';
import { newBatch, Spool, type SpoolBatch } from '../../src/timeseries/spool.js';
import { removeDir, tempDir } from '../support/process.js';

const dirs: string[] = [];
afterEach(() => {
  while (dirs.length) removeDir(dirs.pop()!);
});

/** A small seeded generator (LCG): the same seed gives the same run. */
function random(seed: number): (lo: number, hi: number) => number {
  let s = seed;
  return (lo, hi) => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return lo + Math.floor((s / 2147483648) * (hi - lo + 1));
  };
}

const copy = (b: SpoolBatch): SpoolBatch => ({
  ids: b.ids.slice(0, b.length),
  lines: b.lines.slice(0, b.length),
  precision: b.precision,
  length: b.length,
});

/**
 * The spool against a model (a map of point id → line) through thousands of random steps: commits of
 * 1-30 points (one row each), reads from anywhere with any bound and limit, acknowledgements of any
 * range of any batch read before (in any order, as concurrent requests settle), dead letters, and
 * restarts. After every step the depth matches; every 100 steps the rows hold exactly the model's points
 * in id order and a restart's recount of bytes matches the running count.
 */
describe('spool against a model', () => {
  for (const seed of [1, 2, 3]) {
    it(`random commits, reads, cutting acks, dead letters and restarts (seed ${seed})`, () => {
      const dir = tempDir('spool-model');
      dirs.push(dir);
      const path = join(dir, 'g.db');
      const rnd = random(seed);
      let store = new Store(path);
      let spool = new Spool(store, 1e12);
      // Ids are added in increasing order, so the map iterates in id order.
      const model = new Map<number, string>();
      let next = 1;
      const batches: SpoolBatch[] = [];
      const inModel = (from: number, to: number) => {
        const ids: number[] = [];
        for (const id of model.keys()) if (id > from && id < to) ids.push(id);
        return ids;
      };

      for (let step = 0; step < 2000; step++) {
        const op = rnd(0, 99);
        if (op < 35) {
          const n = rnd(1, 30);
          const lines = Array.from({ length: n }, (_, i) => `m v=${next + i}i ${next + i}`);
          expect(spool.append(lines, n, 'ms', step)).toBe(next + n - 1);
          for (let i = 0; i < n; i++) model.set(next + i, lines[i]!);
          next += n;
        } else if (op < 60) {
          const after = rnd(0, next);
          const before = rnd(0, 1) ? Number.MAX_SAFE_INTEGER : rnd(after, next + 5);
          const limit = rnd(1, 80);
          const b = newBatch();
          spool.read(after, before, limit, b);
          const want = inModel(after, before).slice(0, limit);
          expect(b.ids.slice(0, b.length)).toEqual(want);
          expect(b.lines.slice(0, b.length)).toEqual(want.map((id) => model.get(id)));
          if (b.length > 0) batches.push(copy(b));
        } else if (op < 85 && batches.length > 0) {
          // A request settles: its acknowledged range goes, whatever rows it cuts.
          const b = batches.splice(rnd(0, batches.length - 1), 1)[0]!;
          const from = rnd(0, b.length - 1);
          const to = rnd(from, b.length - 1);
          spool.ack(b, from, to);
          for (const id of inModel(b.ids[from]! - 1, b.ids[to]! + 1)) model.delete(id);
        } else if (op < 92 && batches.length > 0) {
          const b = batches[rnd(0, batches.length - 1)]!;
          const i = rnd(0, b.length - 1);
          if (model.has(b.ids[i]!)) {
            spool.deadLetter(b, i, 'HTTP 400: bad line', step);
            model.delete(b.ids[i]!);
          }
        } else if (op < 95) {
          store.close();
          store = new Store(path);
          spool = new Spool(store, 1e12);
          expect(spool.maxId).toBeLessThanOrEqual(next - 1);
          next = Math.max(next, spool.maxId + 1);
        }
        expect(spool.depth).toBe(model.size);
        if (step % 100 === 0) {
          const rows = store.db.prepare('SELECT id, n, line FROM ts_spool ORDER BY id').all() as {
            id: number;
            n: number;
            line: string;
          }[];
          const held: [number, string][] = [];
          for (const r of rows) {
            const lines = r.line.split('\n');
            expect(lines).toHaveLength(r.n);
            for (let k = 0; k < r.n; k++) held.push([r.id - r.n + 1 + k, lines[k]!]);
          }
          expect(held).toEqual([...model.entries()]);
          const recount = new Spool(new Store(path), 1e12);
          expect(recount.sizeBytes).toBe(spool.sizeBytes);
          recount.store.close();
        }
      }
      store.close();
    }, 60_000);
  }
});
