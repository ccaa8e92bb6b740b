import type { SensorSeverity } from '../events.js';
import { fmt, type MetricRule, type RuleContext } from './rule.js';

/** Readings closer together than this give no rate (two samples of the same instant, or noise). */
const MIN_SPAN_MS = 1000;

/**
 * Rate of change between consecutive readings, per minute, either direction (a water level rising
 * 5 cm/min, a temperature falling fast): raised at `rate`, cleared below `clearRate` (half by default).
 */
export class RateRule implements MetricRule {
  private prevValue = Number.NaN;
  private prevMs = Number.NaN;
  private readonly clearRate: number;
  active = false;

  constructor(
    readonly metric: string,
    private readonly rate: number,
    clearRate: number | undefined,
    readonly severity: SensorSeverity,
    private readonly ctx: RuleContext,
  ) {
    this.clearRate = clearRate ?? rate / 2;
  }

  update(value: number, timeMs: number): void {
    if (Number.isNaN(this.prevMs)) {
      this.prevValue = value;
      this.prevMs = timeMs;
      return;
    }
    const span = timeMs - this.prevMs;
    if (span < MIN_SPAN_MS) return;
    const perMin = ((value - this.prevValue) / span) * 60_000;
    this.prevValue = value;
    this.prevMs = timeMs;
    const speed = Math.abs(perMin);
    if (!this.active && speed >= this.rate) {
      this.active = true;
      this.emit(
        'raise',
        value,
        perMin,
        timeMs,
        `${this.metric} ${perMin > 0 ? 'rising' : 'falling'} ${fmt(speed)}${this.unit()}/min (limit ${fmt(this.rate)})`,
      );
    } else if (this.active && speed < this.clearRate) {
      this.active = false;
      this.emit(
        'clear',
        value,
        perMin,
        timeMs,
        `${this.metric} changing ${fmt(speed)}${this.unit()}/min, below ${fmt(this.clearRate)}`,
      );
    }
  }

  private unit(): string {
    return this.ctx.unit ? ` ${this.ctx.unit}` : '';
  }

  private emit(
    state: 'raise' | 'clear',
    value: number,
    _perMin: number,
    timeMs: number,
    detail: string,
  ): void {
    this.ctx.emit({
      type: 'sensor_rule',
      state,
      rule: 'rate',
      device: this.ctx.device,
      deviceType: this.ctx.deviceType,
      metric: this.metric,
      value,
      threshold: state === 'raise' ? this.rate : this.clearRate,
      unit: this.ctx.unit,
      severity: this.severity,
      timeMs,
      detail,
    });
  }
}
