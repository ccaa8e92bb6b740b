import type { Detection } from '../domain/traffic.js';

export type { Detection };

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
