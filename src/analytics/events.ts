import type { TrafficClass } from '../domain/traffic.js';

export const CONGESTION_LEVELS = ['free', 'moderate', 'heavy', 'jammed'] as const;
export type CongestionLevel = (typeof CONGESTION_LEVELS)[number];

export const INCIDENT_TYPES = [
  'stopped_vehicle',
  'wrong_way',
  'pedestrian_in_carriageway',
  'sudden_queue',
  'camera_tamper',
  'road_obstacle',
] as const;
export type IncidentType = (typeof INCIDENT_TYPES)[number];
export type Severity = 'low' | 'medium' | 'high' | 'critical';

/** One track crossing a counting line. */
export interface LineCrossing {
  type: 'line_crossing';
  cameraId: string;
  lineId: string;
  direction: string;
  cls: TrafficClass;
  trackId: number;
  /** Epoch ms (frame wall clock) and stream position ms. */
  timeMs: number;
  ptsMs: number;
}

/** Crossings of one line, direction and class during [startMs, endMs) (epoch ms, aligned to the interval). */
export interface CountInterval {
  type: 'count_interval';
  cameraId: string;
  lineId: string;
  direction: string;
  cls: TrafficClass;
  count: number;
  startMs: number;
  endMs: number;
}

/** Occupancy of a zone over an interval. */
export interface ZoneOccupancy {
  type: 'zone_occupancy';
  cameraId: string;
  zoneId: string;
  startMs: number;
  endMs: number;
  /** Mean and maximum number of objects in the zone per class over the interval's frames. */
  mean: Partial<Record<TrafficClass, number>>;
  max: Partial<Record<TrafficClass, number>>;
  /** Mean speed of vehicles in the zone, km/h (calibrated cameras with moving traffic only). */
  meanSpeedKmh?: number;
}

export interface ZoneTransit {
  type: 'zone_enter' | 'zone_leave';
  cameraId: string;
  zoneId: string;
  trackId: number;
  cls: TrafficClass;
  timeMs: number;
  ptsMs: number;
  /** On leave: time spent in the zone, ms. */
  dwellMs?: number;
}

/** Speed of one track when it ends (calibrated cameras only). */
export interface TrackSpeed {
  type: 'track_speed';
  cameraId: string;
  trackId: number;
  cls: TrafficClass;
  timeMs: number;
  /** Mean of the smoothed speed over the track's life, and its maximum, km/h. */
  meanKmh: number;
  maxKmh: number;
}

export interface CongestionChange {
  type: 'congestion';
  cameraId: string;
  zoneId: string;
  level: CongestionLevel;
  previous: CongestionLevel;
  timeMs: number;
  occupancy?: number;
  meanSpeedKmh?: number;
  /** True when the new level is heavy or jammed and worse than before: raise an alert. */
  alert: boolean;
}

export interface Incident {
  id: string;
  type: IncidentType;
  cameraId: string;
  zoneId?: string;
  cls?: TrafficClass;
  severity: Severity;
  startMs: number;
  startPtsMs: number;
  endMs?: number;
  endPtsMs?: number;
  trackIds: number[];
  /**
   * Where in the camera picture (x1, y1, x2, y2, fractions) an incident that no track shows lies: an
   * object on the road the detector does not know. Its evidence picture marks it.
   */
  box?: readonly [number, number, number, number];
  /** Human-readable reason, e.g. "stopped 34 s in no_stopping zone shoulder". */
  detail: string;
  /** Where the evidence JPEG was written, once it is. */
  evidencePath?: string;
  /** Clip reference (camera clip recorder), when clips are on. */
  clip?: { startMs: number; endMs: number };
}

export interface IncidentStart {
  type: 'incident_start';
  incident: Incident;
}

export interface IncidentEnd {
  type: 'incident_end';
  incident: Incident;
}

export type AnalyticsEvent =
  | LineCrossing
  | CountInterval
  | ZoneOccupancy
  | ZoneTransit
  | TrackSpeed
  | CongestionChange
  | IncidentStart
  | IncidentEnd;
