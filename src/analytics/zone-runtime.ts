import type { ZoneConfig } from '../config/schema.js';
import { TRAFFIC_CLASSES } from '../domain/traffic.js';

const N = TRAFFIC_CLASSES.length;

/**
 * What is in one zone: now (set by ZoneCounts each frame, read by the congestion and queue rules) and over
 * the current count interval (accumulated by ZoneCounts, published and reset by CountIntervals).
 */
export class ZoneRuntime {
  readonly id: string;
  /** A parking or sidewalk zone: vehicles in it are parked, not traffic. */
  readonly parking: boolean;
  /** Objects in the zone now, per class index. */
  readonly now = new Int32Array(N);
  vehiclesNow = 0;
  /** Mean speed of vehicles in the zone now, km/h (NaN when unknown) and normalised (box heights/s). */
  speedNow = Number.NaN;
  normSpeedNow = 0;
  // Interval statistics.
  readonly sum = new Float64Array(N);
  readonly max = new Int32Array(N);
  frames = 0;
  speedSum = 0;
  speedN = 0;

  constructor(readonly cfg: ZoneConfig) {
    this.id = cfg.id;
    this.parking = cfg.kind === 'parking' || cfg.kind === 'sidewalk';
  }

  resetInterval(): void {
    this.sum.fill(0);
    this.max.fill(0);
    this.frames = 0;
    this.speedSum = 0;
    this.speedN = 0;
  }

  /** Adds the current counts to the interval statistics. */
  accumulate(): void {
    for (let i = 0; i < N; i++) {
      const c = this.now[i]!;
      this.sum[i] = this.sum[i]! + c;
      if (c > this.max[i]!) this.max[i] = c;
    }
    this.frames++;
    if (!Number.isNaN(this.speedNow)) {
      this.speedSum += this.speedNow;
      this.speedN++;
    }
  }
}
