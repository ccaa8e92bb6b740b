import type { CongestionChange, CountInterval, ZoneOccupancy } from '../analytics/events.js';
import type { SensorReading } from '../sensors/events.js';

/** One <prefix>/telemetry message: what happened since the previous one (docs/uplink.md, telemetry.v1.json). */
export interface TelemetryMessage {
  schema: 'ioc-edge/telemetry/1';
  node: string;
  site: string;
  from: string;
  to: string;
  counts: {
    camera: string;
    line: string;
    direction: string;
    class: string;
    count: number;
    from: string;
    to: string;
  }[];
  occupancy: {
    camera: string;
    zone: string;
    from: string;
    to: string;
    mean: Record<string, number>;
    max: Record<string, number>;
    meanSpeedKmh?: number;
  }[];
  congestion: {
    camera: string;
    zone: string;
    level: string;
    previous: string;
    at: string;
    occupancy?: number;
    meanSpeedKmh?: number;
  }[];
  sensors: {
    device: string;
    type: string;
    metric: string;
    unit?: string;
    n: number;
    min: number;
    max: number;
    mean: number;
    last: number;
    lastAt: string;
  }[];
}

interface MetricStats {
  type: string;
  unit: string | undefined;
  n: number;
  min: number;
  max: number;
  sum: number;
  last: number;
  lastAt: number;
}

/** Entries kept per kind per message at most (a misconfigured camera must not grow it without bound). */
const MAX_ENTRIES = 10_000;

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * Collects interval counts, zone occupancy, congestion changes and sensor readings between two telemetry
 * messages. Readings are folded into per-metric statistics in place (no allocation per reading once a
 * metric is known).
 */
export class TelemetryAggregator {
  private counts: TelemetryMessage['counts'] = [];
  private occupancy: TelemetryMessage['occupancy'] = [];
  private congestion: TelemetryMessage['congestion'] = [];
  private readonly sensors = new Map<string, Map<string, MetricStats>>();
  private since = Date.now();
  /** Entries left out because a message was full. */
  overflow = 0;

  constructor(private readonly node: { id: string; site: string }) {}

  count(e: CountInterval): void {
    if (this.counts.length >= MAX_ENTRIES) return void this.overflow++;
    this.counts.push({
      camera: e.cameraId,
      line: e.lineId,
      direction: e.direction,
      class: e.cls,
      count: e.count,
      from: iso(e.startMs),
      to: iso(e.endMs),
    });
  }

  zoneOccupancy(e: ZoneOccupancy): void {
    if (this.occupancy.length >= MAX_ENTRIES) return void this.overflow++;
    const o: TelemetryMessage['occupancy'][number] = {
      camera: e.cameraId,
      zone: e.zoneId,
      from: iso(e.startMs),
      to: iso(e.endMs),
      mean: { ...e.mean } as Record<string, number>,
      max: { ...e.max } as Record<string, number>,
    };
    if (e.meanSpeedKmh !== undefined) o.meanSpeedKmh = e.meanSpeedKmh;
    this.occupancy.push(o);
  }

  congestionChange(e: CongestionChange): void {
    if (this.congestion.length >= MAX_ENTRIES) return void this.overflow++;
    const c: TelemetryMessage['congestion'][number] = {
      camera: e.cameraId,
      zone: e.zoneId,
      level: e.level,
      previous: e.previous,
      at: iso(e.timeMs),
    };
    if (e.occupancy !== undefined) c.occupancy = e.occupancy;
    if (e.meanSpeedKmh !== undefined) c.meanSpeedKmh = e.meanSpeedKmh;
    this.congestion.push(c);
  }

  reading(r: SensorReading): void {
    let metrics = this.sensors.get(r.device);
    if (!metrics) {
      metrics = new Map();
      this.sensors.set(r.device, metrics);
    }
    const s = metrics.get(r.metric);
    if (!s) {
      metrics.set(r.metric, {
        type: r.deviceType,
        unit: r.unit,
        n: 1,
        min: r.value,
        max: r.value,
        sum: r.value,
        last: r.value,
        lastAt: r.timeMs,
      });
      return;
    }
    s.n++;
    if (r.value < s.min) s.min = r.value;
    if (r.value > s.max) s.max = r.value;
    s.sum += r.value;
    if (r.timeMs >= s.lastAt) {
      s.last = r.value;
      s.lastAt = r.timeMs;
    }
  }

  /** The message for everything since the previous take, or undefined when nothing happened. */
  take(nowMs = Date.now()): TelemetryMessage | undefined {
    const sensors: TelemetryMessage['sensors'] = [];
    for (const [device, metrics] of this.sensors) {
      for (const [metric, s] of metrics) {
        if (s.n === 0) continue;
        const e: TelemetryMessage['sensors'][number] = {
          device,
          type: s.type,
          metric,
          n: s.n,
          min: s.min,
          max: s.max,
          mean: s.sum / s.n,
          last: s.last,
          lastAt: iso(s.lastAt),
        };
        if (s.unit !== undefined) e.unit = s.unit;
        sensors.push(e);
        s.n = 0;
        s.sum = 0;
        s.min = Number.POSITIVE_INFINITY;
        s.max = Number.NEGATIVE_INFINITY;
      }
    }
    const from = this.since;
    this.since = nowMs;
    if (this.counts.length + this.occupancy.length + this.congestion.length + sensors.length === 0)
      return undefined;
    const msg: TelemetryMessage = {
      schema: 'ioc-edge/telemetry/1',
      node: this.node.id,
      site: this.node.site,
      from: iso(from),
      to: iso(nowMs),
      counts: this.counts,
      occupancy: this.occupancy,
      congestion: this.congestion,
      sensors,
    };
    this.counts = [];
    this.occupancy = [];
    this.congestion = [];
    return msg;
  }
}
