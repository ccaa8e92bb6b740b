import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WorkerSession } from '../../src/vision/inference-worker.js';
import { testConfig } from '../support/vision.js';

const ROWS = 3549;
const VALUES = ROWS * 85;

describe('WorkerSession', () => {
  let session: WorkerSession;
  beforeAll(async () => {
    session = await WorkerSession.create(testConfig().detector.model, { intraOpNumThreads: 1 });
    await session.configure('images', [1, 3, 416, 416], 'output', VALUES);
  });
  afterAll(async () => {
    await session?.release();
  });

  it('reuses recycled output buffers instead of a new one per run', async () => {
    session.input.fill(114);
    const first = await session.run();
    expect(first.length).toBe(VALUES);
    expect(session.spareOutputs).toBe(0);
    session.recycle(first);
    expect(session.spareOutputs).toBe(1);
    session.input.fill(114);
    const pending = session.run();
    expect(session.spareOutputs, 'the run took the recycled buffer').toBe(0);
    const second = await pending;
    expect(second.length).toBe(VALUES);
    session.recycle(second);
    expect(session.spareOutputs).toBe(1);
  });

  it('keeps two runs in flight with separate input and output buffers, results in order', async () => {
    session.input.fill(0);
    const a = session.run();
    session.input.fill(114);
    const b = session.run();
    expect(session.canRun).toBe(false);
    const [outA, outB] = await Promise.all([a, b]);
    // Different inputs give different outputs: each run saw its own buffer.
    let differ = 0;
    for (let i = 0; i < VALUES; i++) if (outA[i] !== outB[i]) differ++;
    expect(differ).toBeGreaterThan(VALUES / 10);
    session.recycle(outA);
    session.recycle(outB);
    expect(session.canRun).toBe(true);
  });

  it('rejects a run shape larger than the configured input', async () => {
    await expect(session.run([1, 3, 832, 416])).rejects.toThrow(/exceeds the configured input size/);
  });

  it('hands the input and output buffers back when a run fails, and the next run works', async () => {
    const spare = session.spareOutputs;
    // The test model takes 416x416 only: ONNX Runtime rejects this shape in the worker.
    await expect(session.run([1, 3, 96, 416])).rejects.toThrow(/dimension/i);
    expect(session.spareOutputs, 'the failed run gave its output buffer back').toBe(Math.max(spare, 1));
    // Both input buffers are back: two runs can be in flight again.
    session.input.fill(114);
    const a = session.run();
    expect(session.input.length).toBe(3 * 416 * 416);
    session.input.fill(114);
    const b = session.run();
    for (const out of await Promise.all([a, b])) {
      expect(out.length).toBe(VALUES);
      session.recycle(out);
    }
  });
});
