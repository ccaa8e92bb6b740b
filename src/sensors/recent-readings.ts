/** One point every this many ms per metric is kept for the console's sparklines (the spool has them all). */
const STEP_MS = 10_000;
/** Points kept per metric: 15 minutes at one per 10 s. */
const POINTS = 90;

/** The last value of one metric and a thinned ring of its recent values. */
class MetricHistory {
  last = Number.NaN;
  lastMs = 0;
  private readonly ring = new Float64Array(2 * POINTS);
  private next = 0;
  private size = 0;
  private lastKeptMs = Number.NEGATIVE_INFINITY;

  record(value: number, timeMs: number): void {
    this.last = value;
    this.lastMs = timeMs;
    if (timeMs - this.lastKeptMs < STEP_MS) return;
    this.lastKeptMs = timeMs;
    this.ring[2 * this.next] = timeMs;
    this.ring[2 * this.next + 1] = value;
    this.next = (this.next + 1) % POINTS;
    if (this.size < POINTS) this.size++;
  }

  /** [epoch ms, value] pairs, oldest first. */
  points(): [number, number][] {
    const out: [number, number][] = [];
    const start = (this.next - this.size + POINTS) % POINTS;
    for (let i = 0; i < this.size; i++) {
      const k = (start + i) % POINTS;
      out.push([this.ring[2 * k]!, this.ring[2 * k + 1]!]);
    }
    return out;
  }
}

/**
 * The last value of every metric of every device and a thinned recent history (one point per 10 s, 15
 * minutes), for the technician's sensor list. Recording a reading allocates nothing once a metric has
 * been seen.
 */
export class RecentReadings<D = string> {
  private readonly byDevice = new Map<D, Map<string, MetricHistory>>();

  record(device: D, metric: string, value: number, timeMs: number): void {
    let metrics = this.byDevice.get(device);
    if (!metrics) {
      metrics = new Map();
      this.byDevice.set(device, metrics);
    }
    let h = metrics.get(metric);
    if (!h) {
      h = new MetricHistory();
      metrics.set(metric, h);
    }
    h.record(value, timeMs);
  }

  /** Last value per metric of a device (none before its first reading). */
  values(device: D): Record<string, number> {
    const out: Record<string, number> = {};
    for (const [m, h] of this.byDevice.get(device) ?? []) out[m] = h.last;
    return out;
  }

  history(device: D): Record<string, [number, number][]> {
    const out: Record<string, [number, number][]> = {};
    for (const [m, h] of this.byDevice.get(device) ?? []) out[m] = h.points();
    return out;
  }
}
