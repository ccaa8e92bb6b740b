import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Frame } from '../../src/camera/frame.js';
import type { TileSpec } from '../../src/camera/letterbox.js';
import { readClipFrames } from '../../src/camera/read-clip-frames.js';
import { Detector } from '../../src/vision/detector.js';
import { NL_CLIP, testConfig } from '../support/vision.js';

/** As the automatic regions lay a frame out: the whole picture, and a region band over a line (gated). */
const LAYOUT: TileSpec[] = [
  { rect: [0, 0, 1, 1], width: 416, height: 256, infer: true },
  { rect: [0, 0.35, 1, 0.65], width: 960, height: 160, infer: true, gated: true },
];

async function framesOf(count: number): Promise<Frame[]> {
  const out: Frame[] = [];
  for await (const f of readClipFrames({
    cameraId: 'regions',
    url: pathToFileURL(NL_CLIP).href,
    width: 416,
    height: 256,
    layout: LAYOUT,
  })) {
    if (f.seq >= 200 && f.seq % 5 === 0) out.push({ ...f, data: Buffer.from(f.data) });
    if (out.length === count) break;
  }
  return out;
}

describe('Detector with two sessions and frames laid out for automatic regions', () => {
  let frames: Frame[];
  let two: Detector;
  let one: Detector;

  beforeAll(async () => {
    frames = await framesOf(6);
    const cfg = { ...testConfig().detector, scoreThreshold: 0.3 };
    two = await Detector.create(cfg, { sessions: 2 });
    one = await Detector.create(cfg);
  }, 60_000);
  afterAll(async () => {
    await two?.close();
    await one?.close();
  });

  it('infers frames with the regions off on both sessions at once, with the boxes one session finds', async () => {
    const serial: string[] = [];
    for (const f of frames) serial.push(boxes(await one.detect(f.data, f.geometry, [], false)));
    const started = two.stats.runs;
    // All six at once: with one tile each they spread over the sessions (they used to run one at a time,
    // each waiting for the sessions to drain, all on the first session).
    const parallel = await Promise.all(frames.map((f) => two.detect(f.data, f.geometry, [], false)));
    expect(parallel.map(boxes)).toEqual(serial);
    expect(two.stats.runs - started).toBe(6);
    const perSession = sessionRuns(two);
    expect(Math.min(...perSession), `runs per session ${perSession}`).toBeGreaterThanOrEqual(2);
  });

  it('infers a frame with the regions on (two tiles) between them and keeps every result right', async () => {
    const serial: string[] = [];
    const on = [false, true, false, false, true, false];
    for (let i = 0; i < frames.length; i++)
      serial.push(boxes(await one.detect(frames[i]!.data, frames[i]!.geometry, [], on[i])));
    const mixed = await Promise.all(frames.map((f, i) => two.detect(f.data, f.geometry, [], on[i])));
    expect(mixed.map(boxes)).toEqual(serial);
  });

  it('infers frames with the regions on (two tiles each) side by side, each merged on its own', async () => {
    const serial: string[] = [];
    for (const f of frames) serial.push(boxes(await one.detect(f.data, f.geometry, [], true)));
    // Their tiles are collected across awaits while the other frames' tiles come back: a shared set of
    // cross-tile buffers would mix the frames' boxes.
    const parallel = await Promise.all(frames.map((f) => two.detect(f.data, f.geometry, [], true)));
    expect(parallel.map(boxes)).toEqual(serial);
    expect(serial.some((b, i) => b !== serial[(i + 1) % serial.length])).toBe(true);
  });
});

function boxes(ds: readonly { cls: string; x1: number; y1: number; x2: number; y2: number }[]): string {
  return ds.map((d) => `${d.cls}@${[d.x1, d.y1, d.x2, d.y2].map((v) => v.toFixed(3)).join(',')}`).join(' ');
}

/** Runs per session (the detector's sessions are private: read through its pool for the test). */
function sessionRuns(d: Detector): number[] {
  const pool = (d as unknown as { sessions: { sessions: { stats: { runs: number } }[] } }).sessions;
  return pool.sessions.map((s) => s.stats.runs);
}
