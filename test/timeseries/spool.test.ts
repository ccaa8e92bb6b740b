import { statSync } from 'node:fs';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { Store } from '../../src/store/store.js';
import { removeDir, tempDir } from '../support/process.js';
import { spooledLines, spooledPoints } from '../support/spool-rows.js';
import { influxConfig, makeService } from '../support/timeseries.js';

setFlagsFromString('--expose_gc');
const gc = runInNewContext('gc') as () => void;

describe('time series spool', () => {
  it('when full drops the oldest points and counts them, keeps the newest, memory and file stay flat', async () => {
    const dir = tempDir('ts-spool');
    const maxBytes = 400_000;
    const { service: ts, store } = makeService(
      dir,
      influxConfig({ url: undefined, spool: { maxBytes, keepFree: 0 } }),
    );
    try {
      await ts.start();
      expect(ts.health().state).toBe('spool-only');
      let seq = 0;
      const heap: number[] = [];
      for (let round = 0; round < 12; round++) {
        for (let i = 0; i < 20_000; i++, seq++) {
          ts.write({
            measurement: 'sensor',
            tags: { device: `d${seq % 10}`, type: 'air' },
            fields: { seq: BigInt(seq), pm25: 12.5 },
            time: 1_700_000_000_000 + seq,
          });
        }
        await ts.flush();
        gc();
        heap.push(process.memoryUsage().heapUsed);
      }
      const total = seq;
      const depth = ts.spool.depth;
      expect(ts.spool.sizeBytes).toBeLessThanOrEqual(maxBytes);
      // Drops take whole rows (one commit's points each): what stays is within one row of the bound.
      const largestRow = store.db
        .prepare('SELECT max(octet_length(line)) + 20 FROM ts_spool')
        .pluck()
        .get() as number;
      expect(ts.spool.sizeBytes).toBeGreaterThan(maxBytes * 0.99 - largestRow);
      expect(depth).toBeGreaterThan(1000);
      expect(ts.spool.dropped).toBe(total - depth);
      expect(ts.health().totals).toMatchObject({ accepted: total, committed: total, dropped: total - depth });

      // What remains is exactly the newest `depth` points, oldest first.
      const rows = spooledLines(store.db);
      expect(rows).toHaveLength(depth);
      const seqOf = (line: string) => Number(/seq=(\d+)i/.exec(line)![1]);
      expect(seqOf(rows[0]!)).toBe(total - depth);
      expect(seqOf(rows.at(-1)!)).toBe(total - 1);

      // Memory: no growth with the number of points written once warm (rounds 3..12 wrote 200k points).
      expect(heap.at(-1)! - heap[2]!).toBeLessThan(4_000_000);
      // The file is bounded by the spool bound (SQLite reuses the freed pages), not by what was written.
      store.db.pragma('wal_checkpoint(TRUNCATE)');
      expect(statSync(join(dir, 'gateway.db')).size).toBeLessThan(maxBytes * 2);
    } finally {
      await ts.stop();
      store.close();
      removeDir(dir);
    }
  });

  it('survives a restart: depth, bytes and order come back from the file', async () => {
    const dir = tempDir('ts-spool');
    try {
      let { service: ts, store } = makeService(dir, influxConfig({ url: undefined }));
      await ts.start();
      for (let i = 0; i < 1000; i++) ts.write({ measurement: 'm', fields: { i: BigInt(i) }, time: i });
      await ts.stop();
      const bytes = ts.spool.sizeBytes;
      store.close();

      ({ service: ts, store } = makeService(dir, influxConfig({ url: undefined })));
      expect(ts.spool.depth).toBe(1000);
      expect(ts.spool.sizeBytes).toBe(bytes);
      ts.write({ measurement: 'm', fields: { i: 1000n }, time: 1000 });
      await ts.flush();
      const lines = spooledLines(store.db);
      expect(lines[0]).toBe('m,node=n1,site=bd i=0i 0');
      expect(lines.at(-1)).toBe('m,node=n1,site=bd i=1000i 1000');
      await ts.stop();
      store.close();
    } finally {
      removeDir(dir);
    }
  });

  it('uses its own file when influx.spool.path is set', async () => {
    const dir = tempDir('ts-spool');
    try {
      const path = join(dir, 'spool.db');
      const { service: ts, store } = makeService(
        dir,
        influxConfig({ url: undefined, spool: { path, maxBytes: 1e6, keepFree: 0 } }),
      );
      await ts.start();
      ts.write({ measurement: 'm', fields: { v: 1 } });
      await ts.stop();
      store.close();
      const own = new Store(path);
      expect(spooledPoints(own.db)).toBe(1);
      own.close();
    } finally {
      removeDir(dir);
    }
  });
});
