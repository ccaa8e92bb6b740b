import type { SensorRuleEvent, SensorSeverity } from '../events.js';

/** What every rule knows about its device, and where its decisions go. */
export interface RuleContext {
  device: string;
  deviceType: string;
  unit: string | undefined;
  emit(event: SensorRuleEvent): void;
}

/** A rule on one metric of one device: fed each reading in time order, emits raise/clear on changes. */
export interface MetricRule {
  readonly metric: string;
  readonly severity: SensorSeverity;
  /** True while raised. */
  readonly active: boolean;
  update(value: number, timeMs: number): void;
}

/** Numbers in alert texts: at most 4 significant decimals, no float noise (55.49999 → 55.5). */
export function fmt(v: number): string {
  return String(Math.round(v * 1e4) / 1e4);
}
