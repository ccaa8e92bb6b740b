// One gateway in lightweight mode for the fleet bench: the real alerts (manager + durable SQLite outbox) and
// the real uplink (MQTT link with status/LWT, outbox publisher, telemetry, health heartbeat), fed with
// synthetic sensor readings, interval counts and detections-derived alerts at the rates of FleetRates.
import { join } from 'node:path';
import { congestionSignal, incidentSignal } from '../../src/alerts/from-analytics.js';
import { sensorSignal } from '../../src/alerts/from-sensors.js';
import { AlertsService } from '../../src/alerts/service.js';
import type { Incident, IncidentType, Severity } from '../../src/analytics/events.js';
import { parseConfigText } from '../../src/config/load.js';
import type { TrafficClass } from '../../src/domain/traffic.js';
import type { Logger } from '../../src/log/logger.js';
import { SecretScrubber } from '../../src/log/redact.js';
import type { SensorRuleEvent } from '../../src/sensors/events.js';
import { Store } from '../../src/store/store.js';
import { UplinkService } from '../../src/uplink/service.js';

export interface FleetRates {
  /** uplink.heartbeat (ms). */
  heartbeatMs: number;
  /** uplink.telemetry.interval (ms); interval counts are made over the same period. */
  telemetryMs: number;
  /** Mean time between two alert raises of one box (ms), exponential. */
  alertEveryMs: number;
  /** One reading per sensor device per this (ms). */
  readingEveryMs: number;
}

export interface InstanceReport {
  node: string;
  site: string;
  /** Ids of the alerts this box raised (their `new` message), and its manager totals. */
  raised: string[];
  totals: { raised: number; updates: number; ended: number };
  outboxDepth: number;
  reconnects: number;
  readings: number;
}

const CAMERAS = ['cam-1', 'cam-2', 'cam-3', 'cam-4'];
const LINES = ['north', 'south'];
const CLASSES: TrafficClass[] = ['car', 'motorcycle', 'bus', 'truck'];
const INCIDENTS: IncidentType[] = ['stopped_vehicle', 'wrong_way', 'pedestrian_in_carriageway'];
const SEVERITIES: Severity[] = ['medium', 'high', 'critical'];
const SENSORS = Array.from({ length: 10 }, (_, i) => ({
  device: `aq-${i + 1}`,
  type: i < 6 ? 'air_quality' : 'water_level',
  metrics: i < 6 ? ['pm25', 'pm10'] : ['level_cm', 'battery_v'],
}));

export class FleetInstance {
  readonly node: { id: string; site: string };
  private readonly store: Store;
  private readonly alerts: AlertsService;
  private readonly uplink: UplinkService;
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly pending = new Set<NodeJS.Timeout>();
  private readonly raised: string[] = [];
  private readings = 0;
  private seq = 0;
  private quiet = false;
  private nextAlert: NodeJS.Timeout | undefined;

  constructor(
    id: string,
    site: string,
    brokerUrl: string,
    dataDir: string,
    private readonly rates: FleetRates,
    log: Logger,
  ) {
    this.node = { id, site };
    const cfg = parseConfigText(
      [
        `node: { id: ${id}, site: ${site}, name: "Fleet box ${id}", location: { lat: 10.8, lon: 106.7 } }`,
        `dataDir: ${dataDir}`,
        'uplink:',
        `  mqtt: { url: "${brokerUrl}", topicPrefix: "ioc/{site}/{node}" }`,
        `  heartbeat: ${rates.heartbeatMs}ms`,
        `  telemetry: { interval: ${rates.telemetryMs}ms }`,
        // A cleared alert ends after 2 s here (production default 30 s): the run sees whole lifecycles.
        'alerts: { cooldown: 2s, updateInterval: 1s }',
      ].join('\n'),
      join(dataDir, 'gateway.yaml'),
    );
    this.store = new Store(cfg.store.path);
    this.alerts = new AlertsService({
      node: cfg.node,
      cameras: CAMERAS.map((c) => ({ id: c, name: `Camera ${c}` })),
      alerts: cfg.alerts,
      uplink: cfg.uplink,
      dataDir: cfg.dataDir,
      store: this.store,
      log,
    });
    const now = Date.now();
    this.uplink = new UplinkService({
      node: cfg.node,
      uplink: cfg.uplink,
      dataDir: cfg.dataDir,
      outbox: this.alerts.outbox,
      alerts: this.alerts.manager,
      health: {
        cameras: () =>
          Object.fromEntries(
            CAMERAS.map((c) => [
              c,
              { state: 'streaming', since: now, frameFps: 25, processedFps: 5, detectFps: 5, reconnects: 0 },
            ]),
          ),
        sensors: () =>
          Object.fromEntries(
            SENSORS.map((s) => [s.device, { state: 'reporting', lastReadingAgeSeconds: 3 }]),
          ),
      },
      scrubber: new SecretScrubber(),
      log,
    });
  }

  async start(): Promise<void> {
    await this.alerts.start();
    await this.uplink.start();
    // Phases spread over the period so 100 boxes do not all fire in the same millisecond.
    this.every(this.rates.readingEveryMs, () => this.readSensors());
    this.every(this.rates.telemetryMs, () => this.countIntervals());
    this.scheduleAlert();
  }

  get connected(): boolean {
    return this.uplink.link?.connected === true;
  }

  /** Stops raising alerts; open ones clear and end after the cooldown. */
  quiesce(): void {
    this.quiet = true;
    if (this.nextAlert) {
      clearTimeout(this.nextAlert);
      this.pending.delete(this.nextAlert);
    }
  }

  get idle(): boolean {
    return this.pending.size === 0 && this.alerts.manager.health().open === 0 && this.outboxDepth() === 0;
  }

  outboxDepth(): number {
    return this.alerts.outbox.depth;
  }

  report(): InstanceReport {
    const { raised, updates, ended } = this.alerts.manager.totals;
    return {
      node: this.node.id,
      site: this.node.site,
      raised: this.raised,
      totals: { raised, updates, ended },
      outboxDepth: this.outboxDepth(),
      reconnects: this.uplink.link?.reconnects ?? 0,
      readings: this.readings,
    };
  }

  async stop(): Promise<void> {
    for (const t of this.timers) clearInterval(t);
    for (const t of this.pending) clearTimeout(t);
    await this.uplink.stop();
    await this.alerts.stop();
    this.store.close();
  }

  private readSensors(): void {
    const t = Date.now();
    for (const s of SENSORS) {
      for (const metric of s.metrics) {
        this.readings++;
        this.uplink.telemetry.reading({
          type: 'reading',
          device: s.device,
          deviceType: s.type,
          metric,
          value: 20 + Math.random() * 30,
          unit: metric === 'level_cm' ? 'cm' : metric === 'battery_v' ? 'V' : 'µg/m³',
          timeMs: t,
        });
      }
    }
  }

  private countIntervals(): void {
    const endMs = Date.now();
    const startMs = endMs - this.rates.telemetryMs;
    for (const cameraId of CAMERAS) {
      for (const lineId of LINES) {
        for (const cls of CLASSES) {
          this.uplink.telemetry.count({
            type: 'count_interval',
            cameraId,
            lineId,
            direction: 'in',
            cls,
            count: Math.floor(Math.random() * 40),
            startMs,
            endMs,
          });
        }
      }
    }
  }

  /** Exponential gaps; each raise is an incident (70 %), a congestion (15 %) or a sensor threshold (15 %). */
  private scheduleAlert(): void {
    const wait = -Math.log(1 - Math.random()) * this.rates.alertEveryMs;
    this.nextAlert = this.later(wait, () => {
      if (this.quiet) return;
      const r = Math.random();
      if (r < 0.7) this.incident();
      else if (r < 0.85) this.congestion();
      else this.sensorRule();
      this.scheduleAlert();
    });
  }

  private incident(): void {
    const cameraId = CAMERAS[Math.floor(Math.random() * CAMERAS.length)]!;
    const i: Incident = {
      id: `${this.node.id}-inc-${++this.seq}`,
      type: INCIDENTS[Math.floor(Math.random() * INCIDENTS.length)]!,
      cameraId,
      zoneId: 'shoulder',
      cls: 'car',
      severity: SEVERITIES[Math.floor(Math.random() * SEVERITIES.length)]!,
      startMs: Date.now(),
      startPtsMs: 0,
      trackIds: [this.seq],
      detail: 'synthetic incident from the fleet bench',
    };
    this.track(this.alerts.manager.signal(incidentSignal(i, 'raise')));
    this.later(1000 + Math.random() * 3000, () => this.alerts.incidentEnd({ ...i, endMs: Date.now() }));
  }

  private congestion(): void {
    const cameraId = CAMERAS[Math.floor(Math.random() * CAMERAS.length)]!;
    const base = { type: 'congestion' as const, cameraId, zoneId: 'approach', alert: true };
    const id = this.alerts.manager.signal(
      congestionSignal({ ...base, level: 'heavy', previous: 'moderate', timeMs: Date.now(), occupancy: 0.7 }),
    );
    this.track(id);
    this.later(1500, () =>
      this.alerts.congestion({ ...base, level: 'jammed', previous: 'heavy', timeMs: Date.now() }),
    );
    this.later(3000, () =>
      this.alerts.congestion({
        ...base,
        level: 'free',
        previous: 'jammed',
        timeMs: Date.now(),
        alert: false,
      }),
    );
  }

  private sensorRule(): void {
    const e: SensorRuleEvent = {
      type: 'sensor_rule',
      state: 'raise',
      rule: 'threshold',
      device: 'wl-7',
      deviceType: 'water_level',
      metric: 'level_cm',
      value: 41,
      threshold: 30,
      unit: 'cm',
      severity: 'critical',
      timeMs: Date.now(),
      detail: 'level_cm 41 cm ≥ 30 for 60 s',
    };
    this.track(this.alerts.manager.signal(sensorSignal(e)));
    this.later(2000, () => this.alerts.sensorRule({ ...e, state: 'clear', value: 22, timeMs: Date.now() }));
  }

  /** A raise that opened a new alert: its id is remembered (a raise folded into an open one is not). */
  private track(id: string | undefined): void {
    if (id !== undefined && !this.raised.includes(id)) this.raised.push(id);
  }

  private later(ms: number, fn: () => void): NodeJS.Timeout {
    const t = setTimeout(() => {
      this.pending.delete(t);
      fn();
    }, ms);
    this.pending.add(t);
    return t;
  }

  private every(ms: number, fn: () => void): void {
    this.later(Math.random() * ms, () => {
      fn();
      const t = setInterval(fn, ms);
      this.timers.push(t);
    });
  }
}
