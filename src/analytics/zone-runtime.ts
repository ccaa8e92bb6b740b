import type { ZoneConfig } from '../config/schema.js';
import { TRAFFIC_CLASSES } from '../domain/traffic.js';
import { CongestionState, DEFAULT_CONGESTION } from './congestion.js';

const N = TRAFFIC_CLASSES.length;
/** Queue history: one sample per second. */
export const QUEUE_SAMPLES = 30;

/** Live state of one zone: who is in it, interval occupancy statistics, congestion and queue history. */
export class ZoneRuntime {
  readonly id: string;
  /** A parking or sidewalk zone: vehicles in it are parked, not traffic. */
  readonly parking: boolean;
  readonly thresholds: NonNullable<ZoneConfig['congestion']>;
  readonly congestion: CongestionState;
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
  // Queue history ring: vehicles and normalised speed per second.
  readonly qCount = new Float64Array(QUEUE_SAMPLES);
  readonly qSpeed = new Float64Array(QUEUE_SAMPLES);
  qLen = 0;
  qHead = 0;
  qLastPts = Number.NEGATIVE_INFINITY;
  queueBase: { count: number; speed: number } | undefined;

  constructor(readonly cfg: ZoneConfig) {
    this.id = cfg.id;
    this.parking = cfg.kind === 'parking' || cfg.kind === 'sidewalk';
    this.thresholds = cfg.congestion ?? DEFAULT_CONGESTION;
    this.congestion = new CongestionState(this.thresholds.hold);
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

  /** Records a queue sample (at most one per second); returns true when one was added. */
  sampleQueue(pts: number): boolean {
    if (pts - this.qLastPts < 1000) return false;
    this.qLastPts = pts;
    this.qCount[this.qHead] = this.vehiclesNow;
    this.qSpeed[this.qHead] = this.normSpeedNow;
    this.qHead = (this.qHead + 1) % QUEUE_SAMPLES;
    if (this.qLen < QUEUE_SAMPLES) this.qLen++;
    return true;
  }

  /** The sample `ago` samples back (0 = latest). */
  queueAt(ago: number): { count: number; speed: number } | undefined {
    if (ago >= this.qLen) return undefined;
    const i = (this.qHead - 1 - ago + 2 * QUEUE_SAMPLES) % QUEUE_SAMPLES;
    return { count: this.qCount[i]!, speed: this.qSpeed[i]! };
  }
}
