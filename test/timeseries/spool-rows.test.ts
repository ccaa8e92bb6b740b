import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Store } from '../../src/store/store.js';
import { newBatch, Spool, type SpoolBatch } from '../../src/timeseries/spool.js';
import { removeDir, tempDir } from '../support/process.js';
import { spooledLines } from '../support/spool-rows.js';
import { influxConfig, makeService } from '../support/timeseries.js';

const dirs: string[] = [];
afterEach(() => {
  while (dirs.length) removeDir(dirs.pop()!);
});

function open(): { store: Store; spool: Spool; path: string } {
  const dir = tempDir('spool-rows');
  dirs.push(dir);
  const path = join(dir, 'g.db');
  const store = new Store(path);
  return { store, spool: new Spool(store, 1e9), path };
}

const lines = (from: number, to: number) =>
  Array.from({ length: to - from }, (_, i) => `m v=${from + i}i ${from + i}`);
const read = (spool: Spool, after: number, before = Number.MAX_SAFE_INTEGER, limit = 1000): SpoolBatch => {
  const b = newBatch();
  spool.read(after, before, limit, b);
  b.ids.length = b.lines.length = b.length;
  return b;
};
/** Depth and bytes as a restart counts them from the file. */
const recount = (path: string) => {
  const s = new Spool(new Store(path), 1e9);
  const r = { depth: s.depth, bytes: s.sizeBytes };
  s.store.close();
  return r;
};

describe('spool rows of one commit each', () => {
  it('a commit is one row; points keep their own ids, read from anywhere in a row, up to any limit', () => {
    const { store, spool } = open();
    expect(spool.append(lines(1, 11), 10, 'ms', 1)).toBe(10);
    expect(spool.append(lines(11, 16), 5, 'ms', 2)).toBe(15);
    expect(store.db.prepare('SELECT count(*) FROM ts_spool').pluck().get()).toBe(2);
    expect(spool.depth).toBe(15);
    const b = read(spool, 7, 13, 4);
    expect(b.ids).toEqual([8, 9, 10, 11]);
    expect(b.lines).toEqual(lines(8, 12));
    expect(read(spool, 7, 13).ids).toEqual([8, 9, 10, 11, 12]);
    // A row of another precision ends the read: a request has one precision.
    spool.append(lines(16, 18), 2, 's', 3);
    expect(read(spool, 12).ids).toEqual([13, 14, 15]);
    expect(read(spool, 15).precision).toBe('s');
    store.close();
  });

  it('an acknowledged range that cuts rows keeps the points outside it; counts and bytes stay exact', () => {
    const { store, spool, path } = open();
    spool.append(lines(1, 11), 10, 'ms', 1);
    spool.append(lines(11, 21), 10, 'ms', 2);
    spool.append(lines(21, 31), 10, 'ms', 3);
    const b = read(spool, 0);
    // 6..24: the end of the first row, all of the second, the start of the third.
    spool.ack(b, 5, 23);
    expect(spool.depth).toBe(11);
    expect(spooledLines(store.db)).toEqual([...lines(1, 6), ...lines(25, 31)]);
    expect(read(spool, 0).ids).toEqual([1, 2, 3, 4, 5, 25, 26, 27, 28, 29, 30]);
    // Inside one row: it splits in two.
    const c = read(spool, 0);
    spool.ack(c, 1, 2);
    expect(read(spool, 0).ids).toEqual([1, 4, 5, 25, 26, 27, 28, 29, 30]);
    expect(read(spool, 0).lines).toEqual([...lines(1, 2), ...lines(4, 6), ...lines(25, 31)]);
    const live = { depth: spool.depth, bytes: spool.sizeBytes };
    store.close();
    expect(recount(path)).toEqual(live);
  });

  it('a dead letter takes its one line out of the middle of a row; a range acknowledged twice counts once', () => {
    const { store, spool, path } = open();
    spool.append(lines(1, 6), 5, 'ms', 1);
    const b = read(spool, 0);
    spool.deadLetter(b, 2, 'HTTP 400: bad', 5);
    expect(spool.deadLetters()).toEqual([{ at: 5, line: 'm v=3i 3', error: 'HTTP 400: bad' }]);
    expect(read(spool, 0).lines).toEqual(['m v=1i 1', 'm v=2i 2', 'm v=4i 4', 'm v=5i 5']);
    spool.ack(b, 0, 4);
    spool.ack(b, 0, 4);
    expect(spool.depth).toBe(0);
    expect(spool.sizeBytes).toBe(0);
    store.close();
    expect(recount(path)).toEqual({ depth: 0, bytes: 0 });
  });

  it('a commit with a newline inside a string field keeps a row per point, read back intact', async () => {
    const dir = tempDir('spool-rows-nl');
    dirs.push(dir);
    const { service: ts, store } = makeService(dir, influxConfig({ url: undefined }));
    await ts.start();
    ts.write({ measurement: 'm', fields: { v: 1 }, time: 1 });
    ts.write({ measurement: 'm', fields: { note: 'two\nlines' }, time: 2 });
    ts.write({ measurement: 'm', fields: { v: 3 }, time: 3 });
    await ts.flush();
    ts.write({ measurement: 'm', fields: { v: 4 }, time: 4 });
    ts.write({ measurement: 'm', fields: { v: 5 }, time: 5 });
    await ts.flush();
    expect(store.db.prepare('SELECT n FROM ts_spool ORDER BY id').pluck().all()).toEqual([1, 1, 1, 2]);
    const b = read(ts.spool, 0);
    expect(b.ids).toEqual([1, 2, 3, 4, 5]);
    expect(b.lines[1]).toBe('m,node=n1,site=bd note="two\nlines" 2');
    ts.spool.ack(b, 0, 3);
    expect(read(ts.spool, 0).lines).toEqual(['m,node=n1,site=bd v=5 5']);
    await ts.stop();
    store.close();
  });

  it('drops for space take whole rows, oldest first, counted in points', () => {
    const { store, spool } = open();
    for (let c = 0; c < 10; c++) spool.append(lines(c * 100 + 1, c * 100 + 101), 100, 'ms', c);
    const dropped = spool.dropForDisk(1);
    expect(dropped).toBe(100);
    expect(spool.depth).toBe(900);
    expect(read(spool, 0, Number.MAX_SAFE_INTEGER, 1).ids).toEqual([101]);
    store.close();
  });

  it('a spool written with one row per point (before rows held a commit) is read, acknowledged and counted', () => {
    const dir = tempDir('spool-rows-old');
    dirs.push(dir);
    const path = join(dir, 'g.db');
    const old = new Store(path);
    // The schema as the previous release left it: version 1 of the module, no `n` column.
    old.migrate('timeseries', [
      `CREATE TABLE ts_spool (id INTEGER PRIMARY KEY AUTOINCREMENT, at INTEGER NOT NULL, p INTEGER NOT NULL,
         line TEXT NOT NULL) STRICT;
       CREATE TABLE ts_dead_letter (id INTEGER PRIMARY KEY AUTOINCREMENT, at INTEGER NOT NULL,
         line TEXT NOT NULL, error TEXT NOT NULL) STRICT;`,
    ]);
    const insert = old.db.prepare('INSERT INTO ts_spool (at, p, line) VALUES (?, 1, ?)');
    for (const l of lines(1, 6)) insert.run(1, l);
    old.close();

    const store = new Store(path);
    const spool = new Spool(store, 1e9);
    expect(spool.depth).toBe(5);
    expect(spool.maxId).toBe(5);
    expect(spool.append(lines(6, 9), 3, 'ms', 2)).toBe(8);
    const b = read(spool, 0);
    expect(b.ids).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(b.lines).toEqual(lines(1, 9));
    spool.ack(b, 0, 5);
    expect(read(spool, 0).lines).toEqual(lines(7, 9));
    const live = { depth: spool.depth, bytes: spool.sizeBytes };
    store.close();
    expect(recount(path)).toEqual(live);
  });
});
