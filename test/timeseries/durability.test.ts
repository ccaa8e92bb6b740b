import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type InfluxDb, startInfluxDb } from '../support/influxdb.js';
import { removeDir, tempDir } from '../support/process.js';
import { eventually, influxConfig, makeService, startTimeseriesWriter } from '../support/timeseries.js';

const T0 = 1_700_000_000_000;

describe('time series durability against a real InfluxDB 1.6', () => {
  let influx: InfluxDb;
  beforeAll(async () => {
    influx = await startInfluxDb();
  });
  afterAll(async () => {
    await influx?.stop();
  });

  it('outage: 1k points/s for 30 s with influxd stopped in the middle; every point arrives exactly once', async () => {
    await influx.createDatabase('outage');
    const dir = tempDir('ts-outage');
    const { service: ts, store } = makeService(dir, influxConfig({ url: influx.url, database: 'outage' }));
    const total = 30_000;
    try {
      await ts.start();
      let seq = 0;
      const started = Date.now();
      // 1,000 points/s: every 10 ms, as many points as the clock says are due (no drift).
      const done = new Promise<void>((resolve) => {
        const timer = setInterval(() => {
          const due = Math.min(total, Math.floor(Date.now() - started));
          for (; seq < due; seq++) {
            ts.write({
              measurement: 'traffic_count',
              tags: { camera: `cam${seq % 4}`, line: 'l1', direction: 'in', class: 'car' },
              fields: { count: BigInt(seq), v: seq * 0.5 },
              time: T0 + seq,
            });
          }
          if (seq >= total) {
            clearInterval(timer);
            resolve();
          }
        }, 10);
      });
      await eventually('10 s of writing', () => seq >= 10_000, 30_000);
      const sentBefore = ts.drainer!.sent;
      await influx.pause();
      await eventually('20 s of writing', () => seq >= 20_000, 30_000);
      expect(ts.health().state).toBe('retrying');
      expect(ts.spool.depth).toBeGreaterThan(8_000); // the outage piled up in the spool
      await influx.restart();
      await done;
      await ts.flush();
      await eventually('spool drained', () => ts.spool.depth === 0, 30_000);
      expect(sentBefore).toBeGreaterThan(5_000);

      const [count] = await influx.rows(
        'SELECT count("count"), sum("count"), sum(v) FROM traffic_count',
        'outage',
      );
      expect(count).toEqual({
        time: 0,
        count: total,
        sum: (total * (total - 1)) / 2,
        sum_1: (total * (total - 1)) / 4,
      });
      for (const s of [0, 9_999, 15_000, 29_999]) {
        expect(
          await influx.rows(
            `SELECT "count", v, camera FROM traffic_count WHERE time = ${T0 + s}ms`,
            'outage',
          ),
        ).toEqual([{ time: T0 + s, count: s, v: s * 0.5, camera: `cam${s % 4}` }]);
      }
      expect(ts.health().totals).toMatchObject({
        accepted: total,
        committed: total,
        dropped: 0,
        deadLettered: 0,
      });
    } finally {
      await ts.stop();
      store.close();
      removeDir(dir);
    }
  }, 90_000);

  it('catch-up: the backlog replays at replayRate while live points flow past it', async () => {
    await influx.createDatabase('catchup');
    const dir = tempDir('ts-catchup');
    const { service: ts, store } = makeService(
      dir,
      influxConfig({ url: influx.url, database: 'catchup', replayRate: 5000, batchSize: 1000 }),
    );
    try {
      await influx.pause();
      await ts.start();
      const backlog = 15_000;
      for (let i = 0; i < backlog; i++) {
        ts.write({ measurement: 'sensor', tags: { device: 'old' }, fields: { i: BigInt(i) }, time: T0 + i });
      }
      await ts.flush();
      await eventually('the drainer notices the outage', () => ts.health().state === 'retrying');
      await influx.restart();
      const restartedAt = Date.now();
      let live = 0;
      const timer = setInterval(() => {
        ts.write({
          measurement: 'sensor',
          tags: { device: 'live' },
          fields: { i: BigInt(live) },
          time: T0 + live++,
        });
      }, 50);
      try {
        await eventually('a live point in InfluxDB', async () => {
          const rows = await influx.rows("SELECT count(i) FROM sensor WHERE device = 'live'", 'catchup');
          return ((rows[0]?.count as number) ?? 0) > 0;
        });
        // Live data got through while most of the backlog was still waiting its turn.
        expect(ts.spool.depth).toBeGreaterThan(5000);
        await eventually('backlog replayed', async () => {
          const rows = await influx.rows("SELECT count(i) FROM sensor WHERE device = 'old'", 'catchup');
          return rows[0]?.count === backlog;
        });
      } finally {
        clearInterval(timer);
      }
      // 15,000 points at 5,000/s (one batch of burst allowance): not faster than ~2.8 s.
      expect(Date.now() - restartedAt).toBeGreaterThanOrEqual(2500);
      await ts.flush();
      await eventually('spool drained', () => ts.spool.depth === 0);
      const [l] = await influx.rows("SELECT count(i) FROM sensor WHERE device = 'live'", 'catchup');
      expect(l).toEqual({ time: 0, count: live });
    } finally {
      await ts.stop();
      store.close();
      removeDir(dir);
    }
  }, 60_000);

  it('crash: kill -9 the writing process mid-outage, restart it: every acknowledged point arrives', async () => {
    await influx.createDatabase('crash');
    const dir = tempDir('ts-crash');
    const writer = (from: number, rate: number) =>
      startTimeseriesWriter(dir, influx.url, 'crash', from, rate);
    let child: ReturnType<typeof startTimeseriesWriter> | undefined;
    try {
      child = writer(0, 2000);
      await eventually('points sent while influxd is up', () => child!.state().sent >= 2000, 30_000);
      await influx.pause();
      const ackedAtOutage = child.state().acked;
      await eventually(
        'points spooled during the outage',
        () => child!.state().acked >= ackedAtOutage + 3000,
        30_000,
      );
      await child.p.kill(); // SIGKILL, no chance to flush or close
      const acked = child.state().acked;
      expect(child.state().depth).toBeGreaterThan(2000);

      // Restart the "gateway" (writing nothing new), then the database.
      child = writer(1_000_000, 0);
      await eventually('restarted writer reports', () => child!.state().depth >= 0, 30_000);
      const spooled = child.state().depth;
      expect(spooled).toBeGreaterThan(2000);
      await influx.restart();
      await eventually('spool drained after restart', () => child!.state().depth === 0, 30_000);
      await child.p.stop();

      const [agg] = await influx.rows(
        `SELECT count(seq), sum(seq) FROM crash WHERE seq <= ${acked}`,
        'crash',
      );
      expect(agg).toEqual({ time: 0, count: acked + 1, sum: (acked * (acked + 1)) / 2 });
      const [all] = await influx.rows('SELECT count(seq), max(seq) FROM crash', 'crash');
      // Points written after the last acknowledgement may or may not have made it; none are duplicated.
      expect((all as { count: number }).count).toBe((all as { max: number }).max + 1);
      expect(await influx.rows(`SELECT seq, v FROM crash WHERE time = ${T0 + acked}ms`, 'crash')).toEqual([
        { time: T0 + acked, seq: acked, v: acked / 4 },
      ]);
    } finally {
      await child?.p.stop();
      removeDir(dir);
    }
  }, 90_000);
});
