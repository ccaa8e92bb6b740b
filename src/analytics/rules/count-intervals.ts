import { TRAFFIC_CLASSES, type TrafficClass } from '../../domain/traffic.js';
import type { Track } from '../../tracking/track.js';
import { SETTLE_MS } from '../crossing-classes.js';
import type { FrameContext, FrameRule } from '../frame-context.js';
import type { LineCounter } from '../line-counter.js';
import type { ZoneRuntime } from '../zone-runtime.js';

const N_CLASSES = TRAFFIC_CLASSES.length;

const MIN_INTERVAL_MS = 1000;

/** The start of the count interval (`intervalMs` long, at least 1 s) that epoch ms `time` falls in. */
export function intervalStart(time: number, intervalMs: number): number {
  const every = Math.max(MIN_INTERVAL_MS, intervalMs);
  return Math.floor(time / every) * every;
}

/** An interval that ended and waits for its crossings to settle: its bounds, and the frame it ended at. */
interface Closing {
  start: number;
  end: number;
  atTime: number;
  atPts: number;
}

/**
 * Count intervals aligned to the wall clock (every `intervalMs`, at least 1 s). When a frame falls past the
 * current interval, it publishes the interval's zone occupancy and starts the next; the line counts (per
 * line, direction and class, zeros included) follow SETTLE_MS later, once the classes of the crossings
 * made in its last moments have settled and any crossing confirmed late has been counted into it. Runs
 * first in a frame, before the frame's crossings are counted.
 */
export class CountIntervals implements FrameRule {
  readonly intervalMs: number;
  private start: number | undefined;
  private closing: Closing | undefined;

  constructor(
    private readonly lines: readonly LineCounter[],
    private readonly zones: readonly ZoneRuntime[],
    intervalMs = 60_000,
    /**
     * Runs just before an interval's line counts are published: the crossings made before epoch ms
     * `madeBefore` (Infinity: all) that are still settling their class are counted with the class they have.
     */
    private readonly beforePublish: (ctx: FrameContext, madeBefore: number) => void = () => {},
  ) {
    this.intervalMs = Math.max(MIN_INTERVAL_MS, intervalMs);
  }

  update(_tracks: readonly Track[], ctx: FrameContext): void {
    const time = ctx.time;
    const c = this.closing;
    // Settled by either clock (a camera that reconnects starts its stream positions again).
    if (c && (time - c.atTime >= SETTLE_MS || ctx.pts - c.atPts >= SETTLE_MS || ctx.pts < c.atPts)) {
      this.publish(ctx);
    }
    if (this.start === undefined) {
      this.start = intervalStart(time, this.intervalMs);
      return;
    }
    if (time < this.start + this.intervalMs) return;
    if (this.closing) this.publish(ctx);
    const end = this.start + this.intervalMs;
    for (const line of this.lines) line.counts.close(end);
    this.emitZones(this.start, end, ctx);
    this.closing = { start: this.start, end, atTime: time, atPts: ctx.pts };
    this.start = intervalStart(time, this.intervalMs);
  }

  /** Publishes the interval waiting to settle, and closes the current one at the context's time (e.g. at the end of a clip). */
  flush(ctx: FrameContext): void {
    if (this.closing) this.publish(ctx);
    if (this.start === undefined) return;
    this.beforePublish(ctx, Number.POSITIVE_INFINITY);
    this.emitLines(this.start, ctx.time, false, ctx);
    for (const line of this.lines) line.counts.current.fill(0);
    this.emitZones(this.start, ctx.time, ctx);
    this.start = undefined;
  }

  private publish(ctx: FrameContext): void {
    const c = this.closing!;
    this.closing = undefined;
    this.beforePublish(ctx, c.end);
    this.emitLines(c.start, c.end, true, ctx);
    for (const line of this.lines) line.counts.published();
  }

  private emitLines(start: number, end: number, closed: boolean, ctx: FrameContext): void {
    const id = ctx.cameraId;
    for (const line of this.lines) {
      const counts = closed ? line.counts.closed : line.counts.current;
      for (let d = 0; d < 2; d++) {
        for (const cls of line.classes) {
          const k = d * N_CLASSES + TRAFFIC_CLASSES.indexOf(cls);
          ctx.events.push({
            type: 'count_interval',
            cameraId: id,
            lineId: line.id,
            direction: line.directions[d]!,
            cls,
            count: counts[k]!,
            startMs: start,
            endMs: end,
          });
        }
      }
    }
  }

  private emitZones(start: number, end: number, ctx: FrameContext): void {
    const id = ctx.cameraId;
    for (const zone of this.zones) {
      const mean: Partial<Record<TrafficClass, number>> = {};
      const max: Partial<Record<TrafficClass, number>> = {};
      TRAFFIC_CLASSES.forEach((cls, i) => {
        mean[cls] = zone.frames > 0 ? zone.sum[i]! / zone.frames : 0;
        max[cls] = zone.max[i]!;
      });
      ctx.events.push({
        type: 'zone_occupancy',
        cameraId: id,
        zoneId: zone.id,
        startMs: start,
        endMs: end,
        mean,
        max,
        meanSpeedKmh: zone.speedN > 0 ? zone.speedSum / zone.speedN : undefined,
      });
      zone.resetInterval();
    }
  }
}
