import type { LineConfig } from '../config/schema.js';
import { TRAFFIC_CLASSES, type TrafficClass } from '../domain/traffic.js';
import type { LineCrossing } from './events.js';
import { segmentsCross, sideOf } from './geometry.js';

interface LineTrackState {
  x: number;
  y: number;
  side: number;
  counted: boolean;
}

/**
 * Counts tracks crossing one line segment, once per track, named by the line's directions: crossing to
 * the right of a->b (y down) is `directions[0]`. Only movement between two observed positions of the same
 * track counts, so a track first seen already past the line is never counted.
 */
export class LineCounter {
  readonly id: string;
  private readonly ax: number;
  private readonly ay: number;
  private readonly bx: number;
  private readonly by: number;
  readonly directions: readonly [string, string];
  readonly anchor: 'center' | 'bottom';
  readonly classes: readonly TrafficClass[];
  private readonly state = new Map<number, LineTrackState>();
  /** Crossings in the current interval: index = direction * classes + class index in TRAFFIC_CLASSES. */
  readonly counts = new Int32Array(2 * TRAFFIC_CLASSES.length);
  /** Crossings since start, same layout. */
  readonly totals = new Int32Array(2 * TRAFFIC_CLASSES.length);

  constructor(
    readonly cameraId: string,
    line: LineConfig,
  ) {
    this.id = line.id;
    const [a, b] = line.points;
    this.ax = a![0];
    this.ay = a![1];
    this.bx = b![0];
    this.by = b![1];
    this.directions = line.directions;
    this.anchor = line.anchor;
    this.classes = line.classes ?? TRAFFIC_CLASSES;
  }

  /**
   * Feeds a track's anchor point after a matched detection. Returns a crossing (new object: crossings
   * are rare) or undefined. `confirmed` false only records the position.
   */
  observe(
    trackId: number,
    cls: TrafficClass,
    confirmed: boolean,
    x: number,
    y: number,
    timeMs: number,
    ptsMs: number,
  ): LineCrossing | undefined {
    const side = sideOf(this.ax, this.ay, this.bx, this.by, x, y);
    let s = this.state.get(trackId);
    if (!s) {
      s = { x, y, side, counted: false };
      this.state.set(trackId, s);
      return undefined;
    }
    let crossing: LineCrossing | undefined;
    if (
      confirmed &&
      !s.counted &&
      side !== 0 &&
      s.side !== 0 &&
      Math.sign(side) !== Math.sign(s.side) &&
      segmentsCross(this.ax, this.ay, this.bx, this.by, s.x, s.y, x, y)
    ) {
      s.counted = true;
      if (this.classes.includes(cls)) {
        const dir = side > 0 ? 0 : 1;
        const k = dir * TRAFFIC_CLASSES.length + TRAFFIC_CLASSES.indexOf(cls);
        this.counts[k] = this.counts[k]! + 1;
        this.totals[k] = this.totals[k]! + 1;
        crossing = {
          type: 'line_crossing',
          cameraId: this.cameraId,
          lineId: this.id,
          direction: this.directions[dir]!,
          cls,
          trackId,
          timeMs,
          ptsMs,
        };
      }
    }
    // Points exactly on the line keep the previous side, so touching the line and going back is no crossing.
    if (side !== 0) s.side = side;
    s.x = x;
    s.y = y;
    return crossing;
  }

  forget(trackId: number): void {
    this.state.delete(trackId);
  }

  /** Total crossings since start for a direction name and class. */
  total(direction: string, cls: TrafficClass): number {
    const dir = this.directions.indexOf(direction);
    if (dir < 0) return 0;
    return this.totals[dir * TRAFFIC_CLASSES.length + TRAFFIC_CLASSES.indexOf(cls)]!;
  }
}
