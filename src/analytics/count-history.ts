import type { TrafficClass } from '../domain/traffic.js';
import type { CountInterval } from './events.js';

/** One closed count interval of a line: crossings per direction and class. */
export interface LineInterval {
  startMs: number;
  endMs: number;
  /** counts[direction][class] = crossings (only non-zero entries). */
  counts: Record<string, Partial<Record<TrafficClass, number>>>;
  total: number;
}

/**
 * The recent count intervals of every line, kept in memory from the `count_interval` events (the spool is
 * for the time-series server, not for the console): a small ring per camera/line, oldest dropped first.
 * Events of one interval arrive together (one per direction and class) and fold into one entry.
 */
export class CountHistory {
  private readonly rings = new Map<string, LineInterval[]>();

  constructor(private readonly perLine = 240) {}

  add(e: CountInterval): void {
    const key = `${e.cameraId}/${e.lineId}`;
    let ring = this.rings.get(key);
    if (!ring) {
      ring = [];
      this.rings.set(key, ring);
    }
    let last = ring[ring.length - 1];
    if (!last || last.startMs !== e.startMs) {
      last = { startMs: e.startMs, endMs: e.endMs, counts: {}, total: 0 };
      ring.push(last);
      if (ring.length > this.perLine) ring.shift();
    }
    last.endMs = Math.max(last.endMs, e.endMs);
    if (e.count > 0) {
      let dir = last.counts[e.direction];
      if (!dir) {
        dir = {};
        last.counts[e.direction] = dir;
      }
      dir[e.cls] = (dir[e.cls] ?? 0) + e.count;
      last.total += e.count;
    }
  }

  /** Intervals of one line, oldest first, that ended after `sinceMs`. */
  line(cameraId: string, lineId: string, sinceMs = 0): LineInterval[] {
    return (this.rings.get(`${cameraId}/${lineId}`) ?? []).filter((i) => i.endMs > sinceMs);
  }

  /** Every line that has intervals: `camera/line` keys. */
  lines(): { cameraId: string; lineId: string }[] {
    return [...this.rings.keys()].map((k) => {
      const i = k.indexOf('/');
      return { cameraId: k.slice(0, i), lineId: k.slice(i + 1) };
    });
  }

  /** The newest closed interval of a line. */
  latest(cameraId: string, lineId: string): LineInterval | undefined {
    return this.rings.get(`${cameraId}/${lineId}`)?.at(-1);
  }
}
