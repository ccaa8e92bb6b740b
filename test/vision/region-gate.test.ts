import { describe, expect, it } from 'vitest';
import { layoutGeometry } from '../../src/camera/letterbox.js';
import type { Detection } from '../../src/vision/detection.js';
import {
  REGION_HOLD_MS,
  REGION_PROBE_MS,
  REGION_WARM_UP_FRAMES,
  RegionGate,
} from '../../src/vision/region-gate.js';

const geometry = layoutGeometry(1280, 720, [
  { rect: [0, 0, 1, 1], width: 416, height: 256, infer: true },
  { rect: [0, 0.5, 1, 0.9], width: 832, height: 192, infer: true, gated: true },
]);

const det = (cls: Detection['cls'], x: number, y: number, score = 0.6): Detection => ({
  cls,
  score,
  x1: x - 0.01,
  y1: y - 0.02,
  x2: x + 0.01,
  y2: y + 0.02,
});

/** Runs the gate over frames every `stepMs` from `from` to `to`; returns how many got the regions. */
function run(gate: RegionGate, from: number, to: number, stepMs: number, dets: (t: number) => Detection[]) {
  let on = 0;
  for (let t = from; t <= to; t += stepMs) {
    if (gate.want(t)) on++;
    gate.observe(dets(t), t);
  }
  return on;
}

describe('region gate', () => {
  it('runs the regions on the first frames, then only to probe while only cars are around', () => {
    const gate = new RegionGate(geometry);
    const on = run(gate, 0, 60_000, 100, () => [det('car', 0.5, 0.7)]);
    const probes = Math.floor((60_000 - REGION_WARM_UP_FRAMES * 100) / REGION_PROBE_MS);
    expect(on).toBeGreaterThanOrEqual(REGION_WARM_UP_FRAMES + probes - 1);
    expect(on).toBeLessThanOrEqual(REGION_WARM_UP_FRAMES + probes + 1);
  });

  it('keeps the regions on while motorcycles or people are in them, and REGION_HOLD_MS after', () => {
    const gate = new RegionGate(geometry);
    run(gate, 0, 2000, 100, () => []);
    // A motorcycle in the region from 10 s to 20 s.
    const moto = (t: number) => (t >= 10_000 && t < 20_000 ? [det('motorcycle', 0.4, 0.7)] : []);
    const during = run(gate, 10_000, 19_900, 100, moto);
    expect(during).toBe(100);
    expect(run(gate, 20_000, 20_000 + REGION_HOLD_MS - 200, 100, () => [])).toBe(REGION_HOLD_MS / 100 - 1);
    // Then off again, apart from probes.
    expect(run(gate, 31_000, 39_900, 100, () => [])).toBeLessThanOrEqual(2);
  });

  it('is not kept on by small road users outside the regions or by unsure detections', () => {
    const gate = new RegionGate(geometry);
    run(gate, 0, 2000, 100, () => []);
    expect(
      run(gate, 10_000, 19_900, 100, () => [det('person', 0.4, 0.2), det('motorcycle', 0.4, 0.7, 0.2)]),
    ).toBeLessThanOrEqual(3);
  });

  it("goes by the hold it is given (an earlier frame's), and says when the decision needs it", () => {
    const gate = new RegionGate(geometry);
    for (let i = 0; i < REGION_WARM_UP_FRAMES; i++) {
      expect(gate.needsHold(i * 100)).toBe(false); // warming up: on whatever the hold
      expect(gate.want(i * 100, Number.NEGATIVE_INFINITY)).toBe(true);
    }
    gate.observe([det('motorcycle', 0.5, 0.7)], 900);
    expect(gate.holdUntil).toBe(900 + REGION_HOLD_MS);
    expect(gate.needsHold(1000)).toBe(true);
    // A frame whose gate must not see that motorcycle yet (its result came back early) stays off ...
    expect(gate.want(1000, Number.NEGATIVE_INFINITY)).toBe(false);
    // ... the next, given the hold after the motorcycle's frame, runs the regions.
    expect(gate.want(1100, gate.holdUntil)).toBe(true);
    // A probe is due without any hold.
    expect(gate.needsHold(1100 + REGION_PROBE_MS)).toBe(false);
    expect(gate.want(1100 + REGION_PROBE_MS, Number.NEGATIVE_INFINITY)).toBe(true);
  });
});
