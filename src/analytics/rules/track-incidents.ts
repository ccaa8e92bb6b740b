import type { Incident } from '../events.js';
import type { FrameContext } from '../frame-context.js';

interface OpenEntry {
  incident: Incident;
  key: string;
  zone: number;
  trackId: number;
}

/**
 * The incidents one per-track rule (stopped vehicle, pedestrian, wrong way) has open, each about one
 * track in one zone. Lets the rule ask "already open?" without building the key string every frame, and
 * end its incidents without walking the whole book.
 */
export class TrackIncidents {
  private readonly list: OpenEntry[] = [];

  /** Whether an incident about this track in this zone is open (one ended by a flush is not). */
  has(zone: number, trackId: number): boolean {
    for (let i = 0; i < this.list.length; i++) {
      const e = this.list[i]!;
      if (e.zone === zone && e.trackId === trackId && e.incident.endMs === undefined) return true;
    }
    return false;
  }

  /** Whether an incident about this track (in any zone) is open. */
  hasTrack(trackId: number): boolean {
    for (let i = 0; i < this.list.length; i++) {
      const e = this.list[i]!;
      if (e.trackId === trackId && e.incident.endMs === undefined) return true;
    }
    return false;
  }

  add(incident: Incident, key: string, zone: number, trackId: number): void {
    this.list.push({ incident, key, zone, trackId });
  }

  /**
   * Ends, in the order they were opened, the incidents whose condition `over(zone, trackId, ctx)` says is gone,
   * and forgets those already ended elsewhere (a flush).
   */
  sweep(ctx: FrameContext, over: (zone: number, trackId: number, ctx: FrameContext) => boolean): void {
    const list = this.list;
    let w = 0;
    for (let i = 0; i < list.length; i++) {
      const e = list[i]!;
      if (e.incident.endMs !== undefined) continue;
      if (over(e.zone, e.trackId, ctx)) {
        ctx.incidents.end(ctx, e.key);
        continue;
      }
      list[w++] = e;
    }
    list.length = w;
  }
}
