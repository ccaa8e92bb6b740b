import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { letterboxGeometry } from '../../src/camera/letterbox.js';
import { MotionGate, type MotionSettings } from '../../src/vision/motion.js';
import { forEachClipFrame } from '../support/clip-frames.js';
import { MEDIA } from '../support/vision.js';

const SETTINGS: MotionSettings = { enabled: true, threshold: 0.002, pixelDelta: 18, forceEvery: 5000 };

describe('MotionGate on synthetic frames', () => {
  const g = letterboxGeometry(640, 360, 416, 416);
  const frame = (fill: number) => new Uint8Array(416 * 416 * 3).fill(fill);
  const withSquare = (fill: number, x: number, y: number, size: number, value: number) => {
    const f = frame(fill);
    for (let r = y; r < y + size; r++) f.fill(value, (r * 416 + x) * 3, (r * 416 + x + size) * 3);
    return f;
  };

  it('infers the first frame, skips unchanged ones, infers on change, tracks and forceEvery', () => {
    const gate = new MotionGate(g, SETTINGS);
    expect(gate.shouldInfer(frame(100), 0, false)).toBe(true);
    expect(gate.shouldInfer(frame(100), 100, false)).toBe(false);
    expect(gate.shouldInfer(frame(105), 200, false)).toBe(false); // below pixelDelta everywhere
    expect(gate.shouldInfer(withSquare(100, 100, 100, 24, 200), 300, false)).toBe(true); // 36 cells of ~5800
    expect(gate.shouldInfer(withSquare(100, 100, 100, 24, 200), 400, false)).toBe(false);
    expect(gate.shouldInfer(withSquare(100, 100, 100, 24, 200), 500, true)).toBe(true); // live tracks
    expect(gate.shouldInfer(withSquare(100, 100, 100, 24, 200), 5400, false)).toBe(false);
    expect(gate.shouldInfer(withSquare(100, 100, 100, 24, 200), 5500, false)).toBe(true); // forced
    expect(gate.skipped).toBe(4);
  });

  it('accumulates slow change against the last inferred frame', () => {
    const gate = new MotionGate(g, SETTINGS);
    gate.shouldInfer(frame(100), 0, false);
    // a square brightening 10 levels per frame: each step is below pixelDelta, the sum is not
    const results = [1, 2, 3].map((i) =>
      gate.shouldInfer(withSquare(100, 100, 100, 24, 100 + 10 * i), i * 100, false),
    );
    expect(results).toEqual([false, true, false]);
  });

  it('ignores change inside ignore polygons, and skips nothing when disabled', () => {
    const gate = new MotionGate(g, SETTINGS, [
      [
        [0, 0],
        [0.5, 0],
        [0.5, 0.5],
        [0, 0.5],
      ],
    ]);
    gate.shouldInfer(frame(100), 0, false);
    expect(gate.shouldInfer(withSquare(100, 50, 50, 40, 250), 100, false)).toBe(false);
    expect(gate.shouldInfer(withSquare(100, 300, 150, 40, 250), 200, false)).toBe(true);
    const off = new MotionGate(g, { ...SETTINGS, enabled: false });
    expect([0, 1, 2].map((i) => off.shouldInfer(frame(100), i * 100, false))).toEqual([true, true, true]);
  });
});

describe('MotionGate cells', () => {
  it('are the same to the bit from 32-bit words (aligned frames) as byte by byte (unaligned ones)', async () => {
    // A tiled frame (the whole picture above a wider region tile) and real pictures: the word path must
    // not differ in any cell, not only in the decisions.
    const cellsOf = (gate: MotionGate) => (gate as unknown as { cur: Uint8Array }).cur;
    let checked = 0;
    let aligned: MotionGate | undefined;
    let unaligned: MotionGate | undefined;
    const spare = Buffer.alloc(4);
    await forEachClipFrame(
      join(MEDIA, 'jakarta_dense_traffic_motorcycles.mp4'),
      {
        fps: 2,
        layout: [
          { rect: [0, 0, 1, 1], width: 416, height: 256, infer: true },
          { rect: [0, 0.4, 1, 0.7], width: 640, height: 128, infer: true, gated: true },
        ],
      },
      (f) => {
        aligned ??= new MotionGate(f.geometry, SETTINGS);
        unaligned ??= new MotionGate(f.geometry, SETTINGS);
        const shifted = Buffer.concat([spare.subarray(0, 1), f.data]).subarray(1);
        expect(shifted.byteOffset % 4).not.toBe(0);
        const a = aligned.measureFrame(f.data);
        const b = unaligned.measureFrame(shifted);
        expect(cellsOf(aligned)).toEqual(cellsOf(unaligned));
        expect(a).toBe(b);
        aligned.decide(a, f.ptsMs, false);
        unaligned.decide(b, f.ptsMs, false);
        checked++;
      },
    );
    expect(checked).toBeGreaterThan(20);
    // Extremes: all-white cells (the largest sums, no carry between lanes) and all-black ones.
    const g = letterboxGeometry(640, 360, 416, 416);
    for (const fill of [255, 0, 254]) {
      const gate = new MotionGate(g, SETTINGS);
      const frame = new Uint8Array(416 * 416 * 3).fill(fill);
      gate.measureFrame(frame);
      expect(cellsOf(gate).every((v) => v === fill)).toBe(true);
    }
  });
});

describe('MotionGate on real clips at detect 10 fps', () => {
  /** No pixel moved more than 10 grey levels from the previous frame: a frozen picture, no motion in it. */
  function frozen(a: Buffer, b: Buffer): boolean {
    for (let i = 0; i < a.length; i++) if (Math.abs(a[i]! - b[i]!) > 10) return false;
    return true;
  }

  /** Runs the gate over a clip; per frame: time, inferred, and whether the picture is frozen. */
  async function gateClip(name: string) {
    const rows: { t: number; inferred: boolean; frozen: boolean }[] = [];
    let gate: MotionGate | undefined;
    let prev: Buffer | undefined;
    await forEachClipFrame(join(MEDIA, name), { fps: 10 }, (f) => {
      gate ??= new MotionGate(f.geometry, SETTINGS);
      const still = prev !== undefined && frozen(prev, f.data);
      prev = Buffer.from(f.data);
      rows.push({ t: f.ptsMs / 1000, inferred: gate.shouldInfer(f.data, f.ptsMs, false), frozen: still });
    });
    return rows;
  }

  it('skips a static segment of the residential clip (parked cars only), except the forced detections', async () => {
    const rows = await gateClip('residential_street_parked_cars.mp4');
    // 65.5-72.5 s: nothing moves (checked on stills); 70 frames, forceEvery 5 s allows 2 inferences.
    const quiet = rows.filter((r) => r.t >= 65.5 && r.t < 72.5);
    expect(quiet.length).toBeGreaterThanOrEqual(65);
    expect(quiet.filter((r) => r.inferred).length).toBeLessThanOrEqual(2);
    // The school bus passing at 51-55 s: every frame is inferred.
    const bus = rows.filter((r) => r.t >= 51 && r.t < 55);
    expect(bus.length).toBeGreaterThanOrEqual(38);
    expect(bus.filter((r) => !r.inferred)).toEqual([]);
  });

  for (const clip of [
    'nl_motorway_overpass.mp4',
    'jakarta_dense_traffic_motorcycles.mp4',
    'uk_motorway_heavy_rain.mp4',
  ]) {
    it(`never skips a frame with moving vehicles: ${clip}`, async () => {
      const rows = await gateClip(clip);
      expect(rows.length).toBeGreaterThan(100);
      // Vehicles move through every frame of these clips; only a frozen picture (the NL clip's last
      // 0.3 s repeat one image with a few levels of noise) carries no motion and may be skipped.
      expect(rows.filter((r) => !r.inferred && !r.frozen)).toEqual([]);
      expect(rows.filter((r) => r.frozen).length).toBeLessThan(5);
    });
  }
});
