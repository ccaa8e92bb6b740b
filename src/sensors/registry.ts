import type { SensorDeviceConfig, SensorsConfig } from '../config/schema.js';
import { minimalFilters } from '../mqtt/topic-filter.js';
import type { Decoder } from './decoders/decoded.js';
import { createDecoder } from './decoders/index.js';
import type { PayloadLimits } from './validation.js';

/** Unit and valid range of one metric of one device. */
export interface MetricSpec {
  unit: string | undefined;
  min: number;
  max: number;
}

const ANY_RANGE: MetricSpec = { unit: undefined, min: -Infinity, max: Infinity };

/** A configured device, compiled: its decoder, metric specs and counters. */
export class Device {
  readonly id: string;
  readonly type: string;
  readonly site: string | undefined;
  readonly decoder: Decoder;
  readonly intervalMs: number | undefined;
  private readonly specs: Map<string, MetricSpec>;
  /** Last arrival timestamp given to a reading without its own time (kept strictly increasing). */
  lastArrivalMs = 0;
  lastSeenMs = 0;
  readings = 0;
  rejected = 0;

  constructor(
    readonly cfg: SensorDeviceConfig,
    limits: PayloadLimits,
  ) {
    this.id = cfg.id;
    this.type = cfg.type;
    this.site = cfg.site;
    this.intervalMs = cfg.interval;
    this.decoder = createDecoder(cfg.decoder, limits);
    this.specs = new Map(
      Object.entries(cfg.metrics).map(([m, s]) => [
        m,
        { unit: s.unit, min: s.min ?? -Infinity, max: s.max ?? Infinity },
      ]),
    );
  }

  spec(metric: string): MetricSpec {
    return this.specs.get(metric) ?? ANY_RANGE;
  }
}

interface Pattern {
  levels: readonly string[];
  idLevel: number;
  byKey: Map<string, Device>;
}

const CACHE_MAX = 10_000;

/**
 * Devices by topic: exact topics directly, `+` patterns by the key at their id level
 * (`sensors/+/state` with key aq-01 at level 1). Resolved topics are cached.
 */
export class DeviceRegistry {
  readonly devices: Device[];
  private readonly exact = new Map<string, Device>();
  private readonly patterns: Pattern[] = [];
  private readonly cache = new Map<string, Device>();
  /** Topic filters to subscribe to: the device topics and `sensors.subscribe`, none covered by another. */
  readonly subscriptions: string[];

  constructor(cfg: Pick<SensorsConfig, 'devices' | 'subscribe' | 'maxPayload' | 'maxJsonDepth'>) {
    const limits: PayloadLimits = { maxPayload: cfg.maxPayload, maxJsonDepth: cfg.maxJsonDepth };
    this.devices = cfg.devices.map((d) => new Device(d, limits));
    const subs = new Set<string>();
    for (const d of this.devices) {
      subs.add(d.cfg.topic);
      const levels = d.cfg.topic.split('/');
      if (!levels.includes('+')) {
        this.exact.set(d.cfg.topic, d);
        continue;
      }
      const idLevel = d.cfg.idLevel ?? levels.lastIndexOf('+');
      let p = this.patterns.find((q) => q.idLevel === idLevel && q.levels.join('/') === d.cfg.topic);
      if (!p) {
        p = { levels, idLevel, byKey: new Map() };
        this.patterns.push(p);
      }
      p.byKey.set(d.cfg.key ?? d.id, d);
    }
    for (const s of cfg.subscribe) subs.add(s);
    this.subscriptions = minimalFilters([...subs]);
  }

  get(id: string): Device | undefined {
    return this.devices.find((d) => d.id === id);
  }

  /** The device a message on `topic` belongs to, or undefined (an unknown device). */
  resolve(topic: string): Device | undefined {
    const exact = this.exact.get(topic);
    if (exact) return exact;
    if (this.patterns.length === 0) return undefined;
    const cached = this.cache.get(topic);
    if (cached) return cached;
    const levels = topic.split('/');
    for (const p of this.patterns) {
      if (!matches(p.levels, levels)) continue;
      const d = p.byKey.get(levels[p.idLevel]!);
      if (d) {
        if (this.cache.size >= CACHE_MAX) this.cache.clear();
        this.cache.set(topic, d);
        return d;
      }
    }
    return undefined;
  }
}

function matches(pattern: readonly string[], levels: readonly string[]): boolean {
  if (pattern.length !== levels.length) return false;
  for (let i = 0; i < pattern.length; i++) {
    if (pattern[i] !== '+' && pattern[i] !== levels[i]) return false;
  }
  return true;
}
