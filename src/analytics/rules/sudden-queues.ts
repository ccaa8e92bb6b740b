import type { Track } from '../../tracking/track.js';
import type { Incident } from '../events.js';
import type { FrameContext, FrameRule } from '../frame-context.js';
import type { ZoneRuntime } from '../zone-runtime.js';

/** Queue history per zone: one sample per second. */
export const QUEUE_SAMPLES = 30;

export interface SuddenQueueOptions {
  /** Look-back window, s (below QUEUE_SAMPLES), and minimum rise in vehicles. */
  queueWindowS: number;
  queueMinRise: number;
  /** Speed now below this fraction of the speed before. */
  queueSpeedDrop: number;
  /** Below this speed (box heights/s) traffic is not moving. */
  movingNormSpeed: number;
}

/** Vehicles and their mean normalised speed in one zone, once a second, for the last QUEUE_SAMPLES s. */
class QueueHistory {
  readonly count = new Float64Array(QUEUE_SAMPLES);
  readonly speed = new Float64Array(QUEUE_SAMPLES);
  len = 0;
  private head = 0;
  private lastPts = Number.NEGATIVE_INFINITY;

  /** Records a sample (at most one per second); returns true when one was added. */
  sample(pts: number, vehicles: number, normSpeed: number): boolean {
    if (pts - this.lastPts < 1000) return false;
    this.lastPts = pts;
    this.count[this.head] = vehicles;
    this.speed[this.head] = normSpeed;
    this.head = (this.head + 1) % QUEUE_SAMPLES;
    if (this.len < QUEUE_SAMPLES) this.len++;
    return true;
  }

  /** Ring index of the sample `ago` samples back (0 = latest); only for ago < len. */
  at(ago: number): number {
    return (this.head - 1 - ago + 2 * QUEUE_SAMPLES) % QUEUE_SAMPLES;
  }
}

/**
 * Sudden queue in a traffic zone: within the look-back window the number of vehicles rose by at least
 * `queueMinRise` (and 30 % of the capacity when known) over the quietest moment, while their speed fell
 * below `queueSpeedDrop` of the speed then. Ends when the count falls back halfway or the speed recovers.
 */
export class SuddenQueues implements FrameRule {
  private readonly history: QueueHistory[];
  private readonly keys: string[];
  private readonly open: (Incident | undefined)[];
  /** The quietest moment the open queue is measured against, per zone. */
  private readonly baseCount: Float64Array;
  private readonly baseSpeed: Float64Array;

  constructor(
    zones: readonly ZoneRuntime[],
    private readonly o: SuddenQueueOptions,
  ) {
    this.history = zones.map(() => new QueueHistory());
    this.keys = zones.map((z) => `queue:${z.id}`);
    this.open = zones.map(() => undefined);
    this.baseCount = new Float64Array(zones.length);
    this.baseSpeed = new Float64Array(zones.length);
  }

  update(_tracks: readonly Track[], ctx: FrameContext): void {
    for (let z = 0; z < ctx.zones.length; z++) this.check(z, ctx);
  }

  private check(z: number, ctx: FrameContext): void {
    const zone = ctx.zones[z]!;
    if (zone.parking) return;
    const h = this.history[z]!;
    if (!h.sample(ctx.pts, zone.vehiclesNow, zone.normSpeedNow)) return;
    const o = this.o;
    const nowCount = h.count[h.at(0)]!;
    const nowSpeed = h.speed[h.at(0)]!;
    const cap = zone.cfg.capacity;
    const minRise = cap ? Math.max(o.queueMinRise, Math.ceil(0.3 * cap)) : o.queueMinRise;
    const open = this.open[z];
    if (open && open.endMs === undefined) {
      if (nowCount <= this.baseCount[z]! + minRise / 2 || nowSpeed >= 0.8 * this.baseSpeed[z]!) {
        this.open[z] = undefined;
        ctx.incidents.end(ctx, this.keys[z]!);
      }
      return;
    }
    // Only with a full window: at start-up every vehicle already there "appears" at once.
    const window = o.queueWindowS;
    if (h.len <= window) return;
    // The quietest moment in the window: fewest vehicles, and how fast they moved then.
    let b = h.at(window);
    for (let a = window - 1; a >= 2; a--) {
      const s = h.at(a);
      if (h.count[s]! < h.count[b]!) b = s;
    }
    const baseCount = h.count[b]!;
    // An empty road counts as free-flowing.
    const baseSpeed = baseCount === 0 ? 2 * o.movingNormSpeed : h.speed[b]!;
    const queued =
      nowCount - baseCount >= minRise &&
      baseSpeed >= o.movingNormSpeed &&
      nowSpeed < o.queueSpeedDrop * baseSpeed;
    if (!queued) return;
    this.baseCount[z] = baseCount;
    this.baseSpeed[z] = baseSpeed;
    const ids = [];
    for (const [id, info] of ctx.infos) if (info.inZone[z]) ids.push(id);
    this.open[z] = ctx.incidents.start(ctx, {
      key: this.keys[z]!,
      type: 'sudden_queue',
      severity: 'high',
      zone,
      trackIds: ids,
      detail: `vehicles in ${zone.id} rose from ${baseCount} to ${nowCount} while speed fell by ${Math.round((1 - nowSpeed / baseSpeed) * 100)} %`,
    });
  }
}
