import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Outbox } from '../../src/alerts/outbox.js';
import { Store } from '../../src/store/store.js';
import { RESERVE_FILE } from '../../src/timeseries/disk-guard.js';
import { TimeSeriesService } from '../../src/timeseries/service.js';
import { fillUp, mountSmallFs } from '../support/small-fs.js';
import { spooledLines } from '../support/spool-rows.js';
import { eventually, influxConfig, quietLogger } from '../support/timeseries.js';

/**
 * The spool and the alert outbox on a filesystem filled to the last byte by something else: SQLite's
 * writes fail (SQLITE_FULL), even its deletes. The disk guard releases its reserve file, drops the oldest
 * points and the writes go on; an alert that still finds no room waits in memory and is written once
 * there is some, never dropped.
 */
const small = mountSmallFs(8 * 1024 * 1024, 'disk-guard');
afterAll(() => small.remove());

function service(dir: string, keepFree: number) {
  const store = new Store(join(dir, 'gateway.db'));
  const ts = new TimeSeriesService({
    influx: influxConfig({ url: undefined, spool: { maxBytes: 1e9, keepFree } }),
    store,
    defaultTags: { node: 'n1', site: 's1' },
    log: quietLogger(),
    nodeHealthIntervalMs: 0,
    diskCheckMs: 60_000,
  });
  return { store, ts };
}

const point = (i: number) => ({
  measurement: 'm',
  tags: { k: 'v' },
  fields: { seq: BigInt(i), pad: 'x'.repeat(100) },
  time: 1_700_000_000_000 + i,
});

describe.skipIf(small.why !== undefined)('disk full under the spool and the outbox', () => {
  it('a commit that meets a full disk drops the oldest points (the reserve file gives SQLite room), counts all, goes on', async () => {
    const dir = join(small.dir!, 'a');
    const { store, ts } = service(dir, 1);
    await ts.start();
    const filler = join(small.dir!, 'filler-a');
    try {
      expect(existsSync(join(dir, RESERVE_FILE))).toBe(true);
      for (let i = 0; i < 5000; i++) ts.write(point(i));
      await ts.flush();
      fillUp(filler);
      // Past the free pages of the file, a commit needs the disk: it fails, room is made, it goes on.
      // Points keep coming, 500 every 20 ms, as sensors and cameras send them.
      for (let i = 5000; i < 30_000; i++) {
        ts.write(point(i));
        if (i % 500 === 0) await new Promise((r) => setTimeout(r, 20));
      }
      await eventually('the batch committed or shed', () => ts.sink.pending < 500, 30_000);
      const h = ts.health();
      expect(h.disk.fullEvents).toBeGreaterThan(0);
      expect(h.disk.reserve).toBe(false);
      expect(h.totals.droppedForDisk).toBeGreaterThan(0);
      // Every point is accounted for: committed, or dropped (oldest first) and counted.
      expect(h.totals.committed + h.totals.overflow + ts.sink.pending).toBe(30_000);
      const seqs = spooledLines(store.db).map((l) => Number(/seq=(\d+)i/.exec(l)?.[1]));
      expect(seqs.length + h.totals.dropped).toBe(h.totals.committed);
      if (seqs.length > 0) expect(seqs.at(-1)! - seqs[0]! + 1).toBe(seqs.length);
      rmSync(filler);
      // Room again: the reserve file comes back at the next look, and points are kept again.
      ts.diskGuard.check();
      expect(ts.diskGuard.health().reserve).toBe(true);
      const committed = ts.sink.committed;
      for (let i = 30_000; i < 31_000; i++) ts.write(point(i));
      await eventually('new points committed', () => ts.sink.committed >= committed + 1000, 10_000);
      console.log(`disk guard: ${JSON.stringify(h.disk)}; totals ${JSON.stringify(h.totals)}`);
    } finally {
      rmSync(filler, { force: true });
      await ts.stop();
      store.close();
    }
  });

  it('an alert that finds no room waits in memory, in order, and is written once there is room', async () => {
    const dir = join(small.dir!, 'b');
    const { store, ts } = service(dir, 1);
    await ts.start();
    const outbox = new Outbox(store, [{ name: 'mqtt', kinds: ['alert'] }], 1e9);
    outbox.makeRoom = () => ts.makeRoom();
    const held: number[] = [];
    outbox.onHeld = (n) => held.push(n);
    const filler = join(small.dir!, 'filler-b');
    try {
      // The spool is empty and the reserve is gone: nothing can make room.
      rmSync(join(dir, RESERVE_FILE));
      fillUp(filler);
      const alert = (i: number) => ({
        kind: 'alert' as const,
        alertId: `a-${i}`,
        severity: 'high' as const,
        payload: Buffer.from(JSON.stringify({ id: `a-${i}`, pad: 'y'.repeat(4000) })),
      });
      for (let i = 0; i < 200; i++) outbox.append([alert(i)], true);
      expect(outbox.heldWrites).toBeGreaterThan(0);
      expect(outbox.stats().held).toBe(outbox.heldWrites);
      rmSync(filler);
      await eventually('held alerts written', () => outbox.heldWrites === 0, 10_000);
      expect(held.at(-1)).toBe(0);
      const ids = outbox.next('mqtt', 0, 0, 1000).map((r) => r.alertId);
      expect(ids).toEqual(Array.from({ length: 200 }, (_, i) => `a-${i}`));
    } finally {
      rmSync(filler, { force: true });
      outbox.flushHeld();
      await ts.stop();
      store.close();
    }
  });
});
