import type { SensorSeverity } from '../events.js';
import { fmt, type MetricRule, type RuleContext } from './rule.js';

/**
 * Threshold with hysteresis and a hold time: raised once the value has been at or past `raise` for
 * `forMs` (every reading in that time past it), cleared once it is back past `clear`. Between the two
 * nothing changes, so a value wobbling around the threshold gives one alert, not one per crossing.
 * Direction: `clear` below `raise` watches for high values (PM2.5 ≥ 55.5), above it for low ones.
 */
export class ThresholdRule implements MetricRule {
  private readonly above: boolean;
  private readonly clear: number;
  private pendingSince = Number.NaN;
  private lastMs = -Infinity;
  active = false;

  constructor(
    readonly metric: string,
    private readonly raise: number,
    clear: number | undefined,
    private readonly forMs: number,
    readonly severity: SensorSeverity,
    private readonly ctx: RuleContext,
  ) {
    this.clear = clear ?? raise;
    this.above = this.clear <= raise;
  }

  update(value: number, timeMs: number): void {
    // Late readings (a buffered uplink) are stored but do not move the state back in time.
    if (timeMs < this.lastMs) return;
    this.lastMs = timeMs;
    if (this.active) {
      if (this.above ? value < this.clear : value > this.clear) {
        this.active = false;
        this.pendingSince = Number.NaN;
        this.emit(
          'clear',
          value,
          timeMs,
          `${this.metric} ${fmt(value)}${this.unitText()} back ${this.above ? 'below' : 'above'} ${fmt(this.clear)}`,
        );
      }
      return;
    }
    if (this.above ? value >= this.raise : value <= this.raise) {
      if (Number.isNaN(this.pendingSince)) this.pendingSince = timeMs;
      const held = timeMs - this.pendingSince;
      if (held >= this.forMs) {
        this.active = true;
        const forText = this.forMs > 0 ? ` for ${Math.round(held / 1000)} s` : '';
        this.emit(
          'raise',
          value,
          timeMs,
          `${this.metric} ${fmt(value)}${this.unitText()} ${this.above ? '≥' : '≤'} ${fmt(this.raise)}${forText}`,
        );
      }
    } else {
      this.pendingSince = Number.NaN;
    }
  }

  private unitText(): string {
    return this.ctx.unit ? ` ${this.ctx.unit}` : '';
  }

  private emit(state: 'raise' | 'clear', value: number, timeMs: number, detail: string): void {
    this.ctx.emit({
      type: 'sensor_rule',
      state,
      rule: 'threshold',
      device: this.ctx.device,
      deviceType: this.ctx.deviceType,
      metric: this.metric,
      value,
      threshold: state === 'raise' ? this.raise : this.clear,
      unit: this.ctx.unit,
      severity: this.severity,
      timeMs,
      detail,
    });
  }
}
