import type { AlertSeverity } from './severity.js';

export const SOURCE_KINDS = ['camera', 'sensor', 'node'] as const;
export type SourceKind = (typeof SOURCE_KINDS)[number];

export interface AlertSource {
  kind: SourceKind;
  /** Camera id, sensor device id, or the node id. */
  id: string;
}

/**
 * What a source adapter hands to the alert manager: a condition started (again) or ended. Signals with the
 * same source, type, zone and metric are one alert.
 */
export interface AlertSignal {
  state: 'raise' | 'clear';
  source: AlertSource;
  /** Incident type, `congestion`, `sensor_threshold|rate|offline`, `camera_down`, `disk_low`... */
  type: string;
  zone?: string;
  /** Sensor metric (part of the alert's identity: pm25 and pm10 of one device are two alerts). */
  metric?: string;
  /** Traffic class involved (incidents). */
  cls?: string;
  /** Congestion level, camera state... shown in the title. */
  level?: string;
  severity: AlertSeverity;
  /** Epoch ms when the condition was decided (the frame, the reading, the transition). */
  timeMs: number;
  /** English, one line, from the producer. */
  detail?: string;
  /**
   * The producer's id of this occurrence (an incident id): evidence and clears find their alert by it. Two
   * occurrences open at once (two stopped cars in one zone) keep the alert open until both cleared.
   */
  ref?: string;
  value?: number;
  threshold?: number;
  unit?: string;
  /** An evidence JPEG for this occurrence will follow (AlertManager.evidence(ref, jpeg)). */
  evidenceExpected?: boolean;
  /** The camera's event clip around the occurrence, when it records clips. */
  clip?: { startMs: number; endMs: number };
}

export type AlertState = 'new' | 'update' | 'end';

/** One message of an alert's life as the IOC receives it (docs/uplink.md, schema alert.v1.json). */
export interface AlertMessage {
  schema: 'ioc-edge/alert/1';
  id: string;
  /** 1 for `new`, +1 for every later message of the same alert: the IOC keeps the highest. */
  seq: number;
  state: AlertState;
  node: string;
  site: string;
  source: AlertSource & { name?: string };
  type: string;
  severity: AlertSeverity;
  class?: string;
  metric?: string;
  zone?: string;
  level?: string;
  value?: number;
  threshold?: number;
  unit?: string;
  location?: { lat: number; lon: number };
  startedAt: string;
  updatedAt: string;
  endedAt?: string;
  title: { vi: string; en: string };
  detail?: string;
  /** Occurrences folded into this alert so far (raises of the same source, type and zone). */
  count: number;
  acknowledged?: { at: string; by?: string; note?: string };
  evidence?: {
    /** The JPEG is published on this topic (binary), after this message. */
    snapshot?: { topic: string; contentType: 'image/jpeg' };
    clip?: { camera: string; startedAt: string; endedAt: string };
  };
}

/** The identity alerts are deduplicated by. */
export function alertKey(s: Pick<AlertSignal, 'source' | 'type' | 'zone' | 'metric'>): string {
  return `${s.source.kind}/${s.source.id}/${s.type}/${s.zone ?? ''}/${s.metric ?? ''}`;
}
