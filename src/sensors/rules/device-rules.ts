import type { SensorDeviceConfig } from '../../config/schema.js';
import type { SensorRuleEvent } from '../events.js';
import { OfflineRule } from './offline.js';
import { RateRule } from './rate.js';
import type { MetricRule } from './rule.js';
import { ThresholdRule } from './threshold.js';

/** A device's rules, built from its config: metric rules by metric, and its offline rule. */
export class DeviceRules {
  private readonly byMetric = new Map<string, MetricRule[]>();
  readonly offline: OfflineRule | undefined;

  constructor(
    cfg: SensorDeviceConfig,
    defaultOfflineAfter: number,
    emit: (e: SensorRuleEvent) => void,
    nowMs: number,
  ) {
    let offline: OfflineRule | undefined;
    for (const r of cfg.rules) {
      if ('offline' in r) {
        if (cfg.interval)
          offline = new OfflineRule(cfg.id, cfg.type, cfg.interval, r.offline, r.severity, emit, nowMs);
        continue;
      }
      const ctx = { device: cfg.id, deviceType: cfg.type, unit: cfg.metrics[r.metric]?.unit, emit };
      const rule =
        'rate' in r
          ? new RateRule(r.metric, r.rate, r.clearRate, r.severity, ctx)
          : new ThresholdRule(r.metric, r.raise, r.clear, r.for, r.severity, ctx);
      const list = this.byMetric.get(r.metric) ?? [];
      list.push(rule);
      this.byMetric.set(r.metric, list);
    }
    // Every device with an expected interval is watched, at the default k unless a rule sets it.
    if (!offline && cfg.interval)
      offline = new OfflineRule(cfg.id, cfg.type, cfg.interval, defaultOfflineAfter, 'warning', emit, nowMs);
    this.offline = offline;
  }

  get empty(): boolean {
    return this.byMetric.size === 0;
  }

  update(metric: string, value: number, timeMs: number): void {
    const rules = this.byMetric.get(metric);
    if (!rules) return;
    for (let i = 0; i < rules.length; i++) rules[i]!.update(value, timeMs);
  }

  /** Rules currently raised, for health. */
  active(): string[] {
    const out: string[] = [];
    for (const rules of this.byMetric.values()) for (const r of rules) if (r.active) out.push(r.metric);
    if (this.offline?.active) out.push('offline');
    return out;
  }
}
