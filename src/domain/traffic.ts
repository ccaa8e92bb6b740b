/**
 * The traffic vocabulary every stage shares: what the detector maps its labels to, what the tracker
 * follows, what lines count and zones hold. The config schema validates against these lists.
 */

/** Road users the gateway counts and tracks; COCO labels outside these are dropped by the detector. */
export const TRAFFIC_CLASSES = ['car', 'truck', 'bus', 'motorcycle', 'bicycle', 'person'] as const;
export type TrafficClass = (typeof TRAFFIC_CLASSES)[number];

/** What a zone is for: it decides which incidents and which traffic figures it yields. */
export const ZONE_KINDS = ['carriageway', 'no_stopping', 'parking', 'sidewalk', 'generic'] as const;
export type ZoneKind = (typeof ZONE_KINDS)[number];

/** One detected object, in fractions of the camera image (0..1, origin top-left). */
export interface Detection {
  cls: TrafficClass;
  score: number;
  x1: number;
  y1: number;
  x2: number;
  y2: number;
}
