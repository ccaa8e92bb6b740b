import { afterEach, describe, expect, it } from 'vitest';
import type { Store } from '../../src/store/store.js';
import { type HeldRequest, heldWriteServer } from '../support/held-writes.js';
import { removeDir, tempDir } from '../support/process.js';
import { spooledLines } from '../support/spool-rows.js';
import { eventually, influxConfig, makeService, startTimeseriesWriter } from '../support/timeseries.js';

const T0 = 1_700_000_000_000;
const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);
const spooledSeqs = (store: Store) => spooledLines(store.db).map((l) => Number(/\bseq=(\d+)i/.exec(l)![1]));

const byFirstSeq = (requests: HeldRequest[]) => [...requests].sort((x, y) => x.seqs[0]! - y.seqs[0]!);

describe('drainer: two requests in flight', () => {
  let cleanup: (() => Promise<unknown>)[] = [];
  afterEach(async () => {
    for (const c of cleanup.reverse()) await c();
    cleanup = [];
  });

  it.each([
    ['earlier', 'after', 0],
    ['later', 'after', 1],
    ['earlier', 'before', 0],
    ['later', 'before', 1],
  ])(
    'the %s of two batches in flight fails %s the other succeeds: its rows stay and go again alone, the other is deleted',
    async (_, order, failing) => {
      const srv = await heldWriteServer();
      cleanup.push(srv.close);
      const dir = tempDir('ts-inflight');
      const { service: ts, store } = makeService(
        dir,
        influxConfig({ url: srv.url, batchSize: 100, flushInterval: 600_000 }),
        { backoffBaseMs: 200, backoffMaxMs: 200 },
      );
      cleanup.push(async () => {
        await ts.stop();
        store.close();
        removeDir(dir);
      });
      await ts.start();
      for (let seq = 0; seq < 200; seq++)
        ts.write({ measurement: 'm', fields: { seq: BigInt(seq) }, time: T0 + seq });
      await ts.flush();

      await eventually('two requests in flight at once', () => srv.pending().length === 2, 5000);
      // Both started in id order; either may reach the server first.
      const [a, b] = byFirstSeq(srv.requests);
      expect(a!.seqs).toEqual(range(0, 100));
      expect(b!.seqs).toEqual(range(100, 200));
      const [bad, ok] = failing === 0 ? [a!, b!] : [b!, a!];

      // Nothing is resent before the other request settled (its range is deleted or resent too).
      if (order === 'before') bad.answer(503, 'overloaded');
      ok.answer(204);
      await eventually('the acknowledged range deleted', () => ts.spool.depth === 100);
      expect(spooledSeqs(store)).toEqual(bad.seqs);
      if (order === 'after') bad.answer(503, 'overloaded');
      await eventually('the failed range resent', () => srv.requests.length === 3);
      const again = srv.requests[2]!;
      expect(again.seqs).toEqual(bad.seqs);
      expect(ts.health().state).toBe('retrying');
      expect(spooledSeqs(store)).toEqual(bad.seqs);

      again.answer(204);
      await eventually('spool drained', () => ts.spool.depth === 0);
      expect(srv.requests.length).toBe(3);
      // Every point acknowledged exactly once: the range that succeeded was not sent again.
      expect(srv.acknowledged().sort((x, y) => x - y)).toEqual(range(0, 200));
      expect(ts.health()).toMatchObject({ state: 'ok', totals: { sent: 200 } });
    },
  );

  it('rows left behind a full batch go as soon as they are flushInterval old, not flushInterval after that batch', async () => {
    const srv = await heldWriteServer();
    cleanup.push(srv.close);
    const dir = tempDir('ts-flush');
    const { service: ts, store } = makeService(
      dir,
      influxConfig({ url: srv.url, batchSize: 100, flushInterval: 2000, inFlight: 1 }),
    );
    cleanup.push(async () => {
      await ts.stop();
      store.close();
      removeDir(dir);
    });
    await ts.start();
    for (let seq = 0; seq < 250; seq++)
      ts.write({ measurement: 'm', fields: { seq: BigInt(seq) }, time: T0 + seq });
    await ts.flush();
    const committedAt = Date.now();
    await eventually('the first full batch', () => srv.requests.length === 1);
    // The server is slow: the rest of the rows get older than flushInterval meanwhile.
    await eventually('the rows are 2 s old', () => Date.now() - committedAt > 2100, 5000);
    srv.requests[0]!.answer(204);
    await eventually('the second full batch', () => srv.requests.length === 2);
    srv.requests[1]!.answer(204);
    // The last 50 rows were committed over 2 s ago: they go now, not 2 s after the second batch left.
    await eventually('the partial batch right after', () => srv.requests.length === 3, 1500);
    expect(srv.requests.map((r) => r.seqs.length)).toEqual([100, 100, 50]);
    srv.requests[2]!.answer(204);
    await eventually('spool drained', () => ts.spool.depth === 0);
  });

  it('kill -9 with two requests in flight, one acknowledged: after a restart the other arrives, the acknowledged one is not resent', async () => {
    const srv = await heldWriteServer();
    cleanup.push(srv.close);
    const dir = tempDir('ts-inflight-crash');
    cleanup.push(async () => removeDir(dir));
    const writer = (from: number, rate: number) => {
      const w = startTimeseriesWriter(dir, srv.url, 'crash', from, rate);
      cleanup.push(() => w.p.stop());
      return w;
    };
    let child: ReturnType<typeof startTimeseriesWriter>;
    child = writer(0, 2000);
    await eventually('two requests in flight at once', () => srv.pending().length === 2, 30_000);
    const [first, second] = byFirstSeq(srv.requests);
    expect(first!.seqs.length).toBeGreaterThan(0);
    expect(second!.seqs[0]).toBe(first!.seqs.at(-1)! + 1); // disjoint ranges, in order
    second!.answer(204);
    await eventually('the acknowledged range deleted', () => child.state().sent >= second!.seqs.length);
    await child.p.kill(); // SIGKILL: the first request (and any later one) is still in flight
    const acked = child.state().acked;
    expect(acked).toBeGreaterThan(second!.seqs.at(-1)!);
    await eventually('the dead writer’s requests closed', () => srv.pending().length === 0);
    expect(srv.acknowledged()).toEqual(second!.seqs);

    srv.answerAll(204);
    child = writer(1_000_000, 0); // the restarted gateway, writing nothing new
    await eventually('spool drained after the restart', () => child.state().depth === 0, 30_000);
    await child.p.stop();

    const got = srv.acknowledged();
    const once = new Set(got);
    // Nothing acknowledged by the spool is lost; the range the server acknowledged before the crash
    // was deleted then and is not sent again.
    expect(range(0, acked + 1).filter((seq) => !once.has(seq))).toEqual([]);
    for (const seq of second!.seqs) expect(got.filter((s) => s === seq)).toHaveLength(1);
  }, 90_000);
});
