import { TRAFFIC_CLASSES, type TrafficClass } from '../../domain/traffic.js';
import type { Track } from '../../tracking/track.js';
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

/**
 * Count intervals aligned to the wall clock (every `intervalMs`, at least 1 s): when a frame falls past the
 * current interval, publishes its line counts (per line, direction and class, zeros included) and zone
 * occupancy, then starts the next. Runs first in a frame, before the frame's crossings are counted.
 */
export class CountIntervals implements FrameRule {
  readonly intervalMs: number;
  private start: number | undefined;

  constructor(
    private readonly lines: readonly LineCounter[],
    private readonly zones: readonly ZoneRuntime[],
    intervalMs = 60_000,
    /** Runs just before an interval closes (crossings still settling their class are counted then). */
    private readonly beforeClose: (ctx: FrameContext) => void = () => {},
  ) {
    this.intervalMs = Math.max(MIN_INTERVAL_MS, intervalMs);
  }

  update(_tracks: readonly Track[], ctx: FrameContext): void {
    const time = ctx.time;
    if (this.start === undefined) {
      this.start = intervalStart(time, this.intervalMs);
      return;
    }
    if (time < this.start + this.intervalMs) return;
    this.emit(this.start, this.start + this.intervalMs, ctx);
    this.start = intervalStart(time, this.intervalMs);
  }

  /** Closes the current interval at the context's time (e.g. at the end of a clip). */
  flush(ctx: FrameContext): void {
    if (this.start !== undefined) this.emit(this.start, ctx.time, ctx);
    this.start = undefined;
  }

  private emit(start: number, end: number, ctx: FrameContext): void {
    this.beforeClose(ctx);
    const id = ctx.cameraId;
    for (const line of this.lines) {
      for (let d = 0; d < 2; d++) {
        for (const cls of line.classes) {
          const k = d * N_CLASSES + TRAFFIC_CLASSES.indexOf(cls);
          ctx.events.push({
            type: 'count_interval',
            cameraId: id,
            lineId: line.id,
            direction: line.directions[d]!,
            cls,
            count: line.counts[k]!,
            startMs: start,
            endMs: end,
          });
        }
      }
      line.counts.fill(0);
    }
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
