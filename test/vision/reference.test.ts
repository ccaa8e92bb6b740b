import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Detection } from '../../src/vision/detection.js';
import { Detector } from '../../src/vision/detector.js';
import { iou as boxIou } from '../../src/vision/nms.js';
import { decodeFrames } from '../support/clip-frames.js';
import { MEDIA, REPO, testConfig } from '../support/vision.js';

/** IoU of two detections (boxes in camera fractions). */
const iou = (a: Detection, b: Detection) => boxIou(a.x1, a.y1, a.x2, a.y2, b.x1, b.y1, b.x2, b.y2);

const PYTHON = '/usr/bin/python3';
const SCRIPT = join(REPO, 'bench/baselines/yolox_cv2.py');
const SCORE = 0.3;
/** Boxes this close to the threshold may fall either side of it from tiny input differences. */
const MARGIN = 0.05;

function reference(clip: string, first: number, count: number): Detection[][] {
  if (!existsSync(PYTHON))
    throw new Error(`${PYTHON} missing: install Debian python3-opencv (scripts/bootstrap.sh)`);
  const cfg = testConfig();
  const out = execFileSync(
    PYTHON,
    [
      SCRIPT,
      'reference',
      clip,
      String(first),
      String(count),
      cfg.detector.model,
      cfg.detector.labels,
      String(SCORE),
    ],
    { encoding: 'utf8', maxBuffer: 16 << 20 },
  );
  return out
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Detection[]);
}

/** Boxes of `from` (not near the threshold) that have a same-class box in `to` at IoU ≥ 0.9. */
function agreement(from: Detection[], to: Detection[]): { total: number; matched: number } {
  let total = 0;
  let matched = 0;
  for (const d of from) {
    if (d.score < SCORE + MARGIN) continue;
    total++;
    if (to.some((o) => o.cls === d.cls && iou(d, o) >= 0.9)) matched++;
  }
  return { total, matched };
}

// 30 frames: 15 of the NL motorway (cars at all scales), 15 of Jakarta (motorcycles, dense traffic).
const CASES = [
  { clip: join(MEDIA, 'nl_motorway_overpass.mp4'), first: 240, count: 15 },
  { clip: join(MEDIA, 'jakarta_dense_traffic_motorcycles.mp4'), first: 100, count: 15 },
];

describe('agreement with OpenCV cv2.dnn running the same model', () => {
  let detector: Detector;
  beforeAll(async () => {
    detector = await Detector.create(testConfig().detector);
  });
  afterAll(async () => {
    await detector?.close();
  });

  it('boxes match the reference at IoU ≥ 0.9 for ≥ 95 % of boxes, both ways, over 30 frames', async () => {
    let total = 0;
    let matched = 0;
    const misses: string[] = [];
    for (const { clip, first, count } of CASES) {
      const ref = reference(clip, first, count);
      const { geometry, frames } = decodeFrames(clip, first, count);
      expect(ref).toHaveLength(count);
      for (let i = 0; i < count; i++) {
        const ours = await detector.detect(frames[i]!, geometry);
        const theirs = ref[i]!;
        for (const [a, b, who] of [
          [ours, theirs, 'ours'],
          [theirs, ours, 'reference'],
        ] as const) {
          const r = agreement(a, b);
          total += r.total;
          matched += r.matched;
          if (r.matched < r.total)
            misses.push(`${clip} frame ${first + i}: ${r.total - r.matched} of ${who} unmatched`);
        }
      }
    }
    expect(total, 'too few boxes to compare').toBeGreaterThan(150);
    expect(matched / total, `matched ${matched}/${total}; ${misses.join('; ')}`).toBeGreaterThanOrEqual(0.95);
  });
});
