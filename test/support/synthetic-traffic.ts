import type { TrafficClass } from '../../src/domain/traffic.js';
import type { Detection, DetectionResult } from '../../src/vision/detection.js';

/** A synthetic object moving at constant velocity (fractions per second). */
export interface SimObject {
  name: string;
  cls: TrafficClass;
  /** Centre at t = 0 s. */
  x: number;
  y: number;
  w: number;
  h: number;
  vx: number;
  vy: number;
  score?: number;
  /** Visible between these times (s). */
  from?: number;
  to?: number;
  /** Time windows (s) during which the detector misses it. */
  hidden?: [number, number][];
  /** Centre as a function of time (s), instead of constant velocity. */
  path?: (t: number) => [number, number];
  /** Per-time overrides: class or score. */
  override?: (t: number) => Partial<Pick<Detection, 'cls' | 'score'>> | undefined;
}

/** Detection results of a scene sampled at `fps` for `seconds`; `tag` maps each detection to its object. */
export function simulate(
  objects: SimObject[],
  fps: number,
  seconds: number,
  cameraId = 'cam',
): { results: DetectionResult[]; truth: Map<Detection, string> } {
  const results: DetectionResult[] = [];
  const truth = new Map<Detection, string>();
  const n = Math.round(fps * seconds);
  for (let i = 0; i < n; i++) {
    const t = i / fps;
    const detections: Detection[] = [];
    for (const o of objects) {
      if (o.from !== undefined && t < o.from) continue;
      if (o.to !== undefined && t > o.to) continue;
      if (o.hidden?.some(([a, b]) => t >= a && t <= b)) continue;
      const [cx, cy] = o.path ? o.path(t) : [o.x + o.vx * t, o.y + o.vy * t];
      const ov = o.override?.(t);
      const d: Detection = {
        cls: ov?.cls ?? o.cls,
        score: ov?.score ?? o.score ?? 0.8,
        x1: cx - o.w / 2,
        y1: cy - o.h / 2,
        x2: cx + o.w / 2,
        y2: cy + o.h / 2,
      };
      if (d.x2 < 0 || d.x1 > 1 || d.y2 < 0 || d.y1 > 1) continue;
      detections.push(d);
      truth.set(d, o.name);
    }
    results.push({
      cameraId,
      seq: i,
      ptsMs: (i * 1000) / fps,
      wallMs: 1_700_000_000_000 + (i * 1000) / fps,
      inferred: true,
      detections,
    });
  }
  return { results, truth };
}
