import type { Frame, FrameGeometry } from '../camera/frame.js';
import type { CameraConfig } from '../config/schema.js';
import type { TrafficClass } from '../domain/traffic.js';
import type { DetectionResult } from './detection.js';

/** counts[lineId][direction][class] = vehicles that crossed. */
export type LineCounts = Record<string, Record<string, Partial<Record<TrafficClass, number>>>>;

export interface IncidentSummary {
  type: string;
  class: TrafficClass;
  startSeconds: number;
  /** undefined while the incident is still open. */
  endSeconds?: number;
  zone: string;
}

/**
 * What comes after detection for one camera (tracking, lines, zones, incidents: issue 5). The vision
 * pipeline pushes every DetectionResult in frame order, motion-gated ones too (`inferred: false`).
 */
export interface AnalyticsStage {
  /**
   * One result per frame, in order. `frame` is the decoded frame the result came from (for evidence
   * snapshots); it is valid only during the call: copy what you need, never keep `frame.data`.
   */
  push(result: DetectionResult, geometry: FrameGeometry, frame?: Frame): void;
  /** End of the stream (a clip analysed to its end): close count intervals and open incidents. */
  finish?(): void;
  /** Live tracks: while there are any, the motion gate does not skip inference. */
  activeTracks(): number;
  counts(): LineCounts;
  incidents(): IncidentSummary[];
}

export type AnalyticsFactory = (camera: CameraConfig) => AnalyticsStage;

/** Detection only: no tracks, no counts, no incidents (until the analytics stage is plugged in). */
export const detectionOnly: AnalyticsFactory = () => ({
  push: () => {},
  activeTracks: () => 0,
  counts: () => ({}),
  incidents: () => [],
});
