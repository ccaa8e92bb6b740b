import { describe, expect, it } from 'vitest';
import type { Frame } from '../../src/camera/frame.js';
import { FramePool } from '../../src/camera/frame-pool.js';
import { DetectionScheduler, type FrameProcessor } from '../../src/pipeline/scheduler.js';

/** A processor whose every frame stays in flight until the test lets it finish. */
class GatedProcessor implements FrameProcessor {
  static log: string[] = [];
  private pending: (() => void)[] = [];
  constructor(
    readonly id: string,
    private readonly fail = false,
  ) {}
  process(frame: Frame): Promise<void> {
    GatedProcessor.log.push(`${this.id}${frame.seq}`);
    return new Promise((resolve, reject) => {
      this.pending.push(() => (this.fail ? reject(new Error(`${this.id} broke`)) : resolve()));
    });
  }
  finish(): boolean {
    const next = this.pending.shift();
    next?.();
    return next !== undefined;
  }
}

function publish(pool: FramePool): void {
  const f = pool.acquire();
  if (!f) throw new Error('no free frame');
  f.seq = pool.nextSeq++;
  pool.publish(f);
}

/** Lets the scheduler loop run until it is waiting on a processor again. */
const tick = () => new Promise<void>((r) => setImmediate(r));

describe('DetectionScheduler', () => {
  it('serves cameras round-robin, one frame in flight, latest frame only, no starvation', async () => {
    GatedProcessor.log = [];
    const errors: string[] = [];
    const scheduler = new DetectionScheduler((id) => errors.push(id));
    const pools = { a: new FramePool('a', 8, 8), b: new FramePool('b', 8, 8), c: new FramePool('c', 8, 8) };
    const procs = { a: new GatedProcessor('a'), b: new GatedProcessor('b'), c: new GatedProcessor('c') };
    for (const id of ['a', 'b', 'c'] as const) scheduler.add(id, pools[id], procs[id]);

    publish(pools.a); // a0 starts at once
    publish(pools.b);
    publish(pools.c);
    publish(pools.a); // a1 waits; a busy camera floods while others wait
    publish(pools.a); // a2 replaces a1 (drop-oldest in the mailbox)
    await tick();
    expect(GatedProcessor.log).toEqual(['a0']);

    const order = ['a', 'b', 'c', 'a'] as const;
    for (const id of order) {
      expect(procs[id].finish()).toBe(true);
      await tick();
      if (id === 'b') publish(pools.a); // a3 replaces a2 while b runs: a still gets one turn per round
    }
    expect(GatedProcessor.log).toEqual(['a0', 'b0', 'c0', 'a3']);
    expect(pools.a.skipped).toBe(2);
    expect(scheduler.stats('a')?.served).toBe(2);
    expect(scheduler.stats('b')?.served).toBe(1);
    expect(errors).toEqual([]);
    await scheduler.stop();
  });

  it('keeps serving the other cameras when one camera’s processing fails', async () => {
    GatedProcessor.log = [];
    const errors: string[] = [];
    const scheduler = new DetectionScheduler((id, err) => errors.push(`${id}: ${(err as Error).message}`));
    const bad = new FramePool('bad', 8, 8);
    const good = new FramePool('good', 8, 8);
    const pBad = new GatedProcessor('bad', true);
    const pGood = new GatedProcessor('good');
    scheduler.add('bad', bad, pBad);
    scheduler.add('good', good, pGood);
    publish(bad);
    publish(good);
    await tick();
    pBad.finish();
    await tick();
    pGood.finish();
    await scheduler.whenIdle();
    expect(GatedProcessor.log).toEqual(['bad0', 'good0']);
    expect(errors).toEqual(['bad: bad broke']);
    expect(scheduler.stats('bad')).toEqual({ served: 0, errors: 1 });
    expect(scheduler.stats('good')).toEqual({ served: 1, errors: 0 });
    // Frames were released: the pools can hand out every buffer again.
    expect([bad.acquire(), bad.acquire(), bad.acquire()].every(Boolean)).toBe(true);
    await scheduler.stop();
  });

  it('keeps up to maxInFlight frames in flight, of one camera too', async () => {
    GatedProcessor.log = [];
    const scheduler = new DetectionScheduler(() => {}, { maxInFlight: 2 });
    const pools = { a: new FramePool('a', 8, 8), b: new FramePool('b', 8, 8) };
    const procs = { a: new GatedProcessor('a'), b: new GatedProcessor('b') };
    for (const id of ['a', 'b'] as const) scheduler.add(id, pools[id], procs[id]);
    publish(pools.a); // a0 starts
    publish(pools.a); // a1 starts too: two in flight
    publish(pools.b); // b0 waits for a free place
    await tick();
    expect(GatedProcessor.log).toEqual(['a0', 'a1']);
    procs.a.finish();
    await tick();
    expect(GatedProcessor.log).toEqual(['a0', 'a1', 'b0']);
    procs.a.finish();
    procs.b.finish();
    await scheduler.whenIdle();
    expect(scheduler.stats('a')?.served).toBe(2);
    expect(scheduler.stats('b')?.served).toBe(1);
    await scheduler.stop();
  });

  it('stop() waits for the frame in flight and ignores later frames', async () => {
    GatedProcessor.log = [];
    const scheduler = new DetectionScheduler();
    const pool = new FramePool('a', 8, 8);
    const proc = new GatedProcessor('a');
    scheduler.add('a', pool, proc);
    publish(pool);
    await tick();
    let stopped = false;
    const stopping = scheduler.stop().then(() => {
      stopped = true;
    });
    await tick();
    expect(stopped).toBe(false);
    proc.finish();
    await stopping;
    publish(pool);
    await tick();
    expect(GatedProcessor.log).toEqual(['a0']);
  });
});
