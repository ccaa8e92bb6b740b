import type { SensorRuleEvent, SensorSeverity } from '../events.js';

/**
 * Device offline: no reading for `k` × its expected interval (raised once), back online at the next
 * reading (cleared). Checked against the gateway's clock by `check(now)`; readings call `seen(now)`.
 * The clock starts at construction, so a gateway restart does not raise every device at once.
 */
export class OfflineRule {
  private lastSeenMs: number;
  active = false;

  constructor(
    private readonly device: string,
    private readonly deviceType: string,
    private readonly intervalMs: number,
    private readonly k: number,
    readonly severity: SensorSeverity,
    private readonly emit: (e: SensorRuleEvent) => void,
    nowMs: number,
  ) {
    this.lastSeenMs = nowMs;
  }

  get limitMs(): number {
    return this.intervalMs * this.k;
  }

  seen(nowMs: number): void {
    this.lastSeenMs = nowMs;
    if (!this.active) return;
    this.active = false;
    this.event('clear', nowMs, `${this.device} back online`);
  }

  check(nowMs: number): void {
    if (this.active || nowMs - this.lastSeenMs < this.limitMs) return;
    this.active = true;
    const silent = Math.round((nowMs - this.lastSeenMs) / 1000);
    this.event(
      'raise',
      nowMs,
      `${this.device} offline: no reading for ${silent} s (expected every ${Math.round(this.intervalMs / 1000)} s)`,
    );
  }

  private event(state: 'raise' | 'clear', timeMs: number, detail: string): void {
    this.emit({
      type: 'sensor_rule',
      state,
      rule: 'offline',
      device: this.device,
      deviceType: this.deviceType,
      severity: this.severity,
      timeMs,
      detail,
    });
  }
}
