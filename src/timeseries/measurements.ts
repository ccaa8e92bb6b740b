import type { Point } from './point.js';

/**
 * The gateway's measurements, one builder each, so every producer writes the schema documented in
 * docs/timeseries.md. Inputs are plain shapes (the analytics, camera and sensor events fit them
 * structurally). Every point also gets `node` and `site` from the sink's default tags.
 * Integers are bigint (line protocol `i`), everything else that is a number is a float.
 */

const CONGESTION = ['free', 'moderate', 'heavy', 'jammed'] as const;

/** Crossings of one counting line, direction and class during [startMs, endMs); time = interval start. */
export function trafficCount(e: {
  cameraId: string;
  lineId: string;
  direction: string;
  cls: string;
  count: number;
  startMs: number;
  endMs: number;
}): Point {
  return {
    measurement: 'traffic_count',
    tags: { camera: e.cameraId, line: e.lineId, direction: e.direction, class: e.cls },
    fields: { count: BigInt(e.count), interval_s: BigInt(Math.round((e.endMs - e.startMs) / 1000)) },
    time: e.startMs,
  };
}

/** Speed of one vehicle track when it ends (calibrated cameras); time = end of the track. */
export function trackSpeed(e: {
  cameraId: string;
  cls: string;
  timeMs: number;
  meanKmh: number;
  maxKmh: number;
}): Point {
  return {
    measurement: 'traffic_speed',
    tags: { camera: e.cameraId, class: e.cls },
    fields: { speed_kmh: e.meanKmh, max_kmh: e.maxKmh },
    time: e.timeMs,
  };
}

/**
 * Occupancy of a zone over an interval: one point per class seen (mean and max objects in the zone),
 * plus, when known, the zone's mean vehicle speed as a `traffic_speed` point tagged with the zone.
 */
export function zoneOccupancy(e: {
  cameraId: string;
  zoneId: string;
  startMs: number;
  endMs: number;
  mean: Partial<Record<string, number>>;
  max: Partial<Record<string, number>>;
  meanSpeedKmh?: number;
}): Point[] {
  const out: Point[] = [];
  const interval = BigInt(Math.round((e.endMs - e.startMs) / 1000));
  for (const cls of Object.keys(e.mean)) {
    out.push({
      measurement: 'zone_occupancy',
      tags: { camera: e.cameraId, zone: e.zoneId, class: cls },
      fields: { mean: e.mean[cls], max: e.max[cls], interval_s: interval },
      time: e.startMs,
    });
  }
  if (e.meanSpeedKmh !== undefined && Number.isFinite(e.meanSpeedKmh)) {
    out.push({
      measurement: 'traffic_speed',
      tags: { camera: e.cameraId, zone: e.zoneId },
      fields: { speed_kmh: e.meanSpeedKmh, interval_s: interval },
      time: e.startMs,
    });
  }
  return out;
}

/** A zone's congestion level when it changes: level 0 free, 1 moderate, 2 heavy, 3 jammed. */
export function congestion(e: {
  cameraId: string;
  zoneId: string;
  level: (typeof CONGESTION)[number];
  timeMs: number;
  occupancy?: number;
  meanSpeedKmh?: number;
}): Point {
  return {
    measurement: 'congestion',
    tags: { camera: e.cameraId, zone: e.zoneId },
    fields: {
      level: BigInt(Math.max(0, CONGESTION.indexOf(e.level))),
      state: e.level,
      occupancy: e.occupancy,
      speed_kmh: e.meanSpeedKmh,
    },
    time: e.timeMs,
  };
}

/**
 * One sensor reading: tags device, type, site (the device's, else the node's) and node, one field per
 * metric. Metrics are floats; pass a bigint for a counter that must stay an integer. The sensor path
 * (src/sensors/ingest.ts) writes this same shape as pre-encoded lines (`SpoolSink.writeLine`).
 */
export function sensorReading(
  device: { id: string; type: string; site?: string },
  metrics: Readonly<Record<string, number | bigint | boolean | string>>,
  timeMs: number,
): Point {
  return {
    measurement: 'sensor',
    tags: { device: device.id, type: device.type, site: device.site },
    fields: metrics,
    time: timeMs,
  };
}

/** A sensor's health (every minute): last seen, reading rate, totals. */
export function sensorHealth(
  d: { id: string; type: string; site?: string; lastSeenMs: number; readings: number; rejected: number },
  readingsPerMinute: number,
  timeMs: number,
): Point {
  return {
    measurement: 'sensor_health',
    tags: { device: d.id, type: d.type, site: d.site },
    fields: {
      last_seen_age_s: d.lastSeenMs ? (timeMs - d.lastSeenMs) / 1000 : undefined,
      readings_per_min: readingsPerMinute,
      readings: BigInt(d.readings),
      rejected: BigInt(d.rejected),
    },
    time: timeMs,
  };
}

/** A camera's health every few seconds (from the camera's per-second health). */
export function cameraHealth(
  h: {
    id: string;
    state: string;
    frameFps: number;
    processedFps: number;
    skippedFps: number;
    detectFps: number;
    lastFrameAgeMs?: number;
    reconnects: number;
    framesTotal: number;
    skippedTotal: number;
  },
  timeMs: number,
): Point {
  return {
    measurement: 'camera_health',
    tags: { camera: h.id },
    fields: {
      up: h.state === 'streaming',
      state: h.state,
      frame_fps: h.frameFps,
      processed_fps: h.processedFps,
      skipped_fps: h.skippedFps,
      detect_fps: h.detectFps,
      last_frame_age_s: h.lastFrameAgeMs === undefined ? undefined : h.lastFrameAgeMs / 1000,
      reconnects: BigInt(h.reconnects),
      frames: BigInt(h.framesTotal),
      skipped: BigInt(h.skippedTotal),
    },
    time: timeMs,
  };
}

/**
 * An incident's start (`active` true) and end (`active` false, with its duration), so dashboards can
 * show incidents next to the traffic that caused them. The alert itself goes upstream through the outbox.
 */
export function incident(
  e: {
    id: string;
    type: string;
    cameraId: string;
    zoneId?: string;
    cls?: string;
    severity: string;
    startMs: number;
    endMs?: number;
    trackIds: readonly number[];
  },
  active: boolean,
): Point {
  return {
    measurement: 'incident',
    tags: { camera: e.cameraId, zone: e.zoneId, type: e.type, severity: e.severity, class: e.cls },
    fields: {
      active,
      id: e.id,
      tracks: BigInt(e.trackIds.length),
      duration_s: e.endMs === undefined ? undefined : (e.endMs - e.startMs) / 1000,
    },
    time: active ? e.startMs : (e.endMs ?? e.startMs),
  };
}
