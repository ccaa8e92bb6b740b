import type { TrafficClass } from '../domain/traffic.js';

/** One detected object, in fractions of the camera image (0..1, origin top-left). */
export interface Detection {
  cls: TrafficClass;
  score: number;
  x1: number;
  y1: number;
  x2: number;
  y2: number;
}

/** What the detector made of one frame. */
export interface DetectionResult {
  cameraId: string;
  seq: number;
  ptsMs: number;
  wallMs: number;
  /** false when the motion gate skipped inference: `detections` is then empty and means "not looked". */
  inferred: boolean;
  detections: Detection[];
}
