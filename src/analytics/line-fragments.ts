import type { LineTrackPool, LineTrackState } from './line-track-state.js';

/** Ended tracks whose state a continuing fragment may take over: how many, and for how long (ms). */
const ENDED_KEPT = 32;
export const ENDED_TTL_MS = 3000;

/** States of one line's recently ended tracks, newest last: a fragment of one may take its state over. */
export class EndedTracks {
  private readonly ended: LineTrackState[] = [];

  constructor(private readonly pool: LineTrackPool) {}

  /** Keeps an ended track's state; drops the oldest beyond the bound, and those too old to continue. */
  keep(s: LineTrackState, ptsMs: number): void {
    s.endPts = ptsMs;
    this.ended.push(s);
    while (
      this.ended.length > ENDED_KEPT ||
      (this.ended.length > 0 && ptsMs - this.ended[0]!.endPts > ENDED_TTL_MS)
    ) {
      this.pool.release(this.ended.shift()!);
    }
  }

  /** Takes the ended track `id`'s state off the list (undefined: not kept); the caller releases it. */
  take(id: number): LineTrackState | undefined {
    const i = this.ended.findIndex((e) => e.id === id);
    if (i < 0) return undefined;
    const s = this.ended[i]!;
    this.ended.splice(i, 1);
    return s;
  }

  /** The ended track `id`'s state, left on the list (undefined: not kept). */
  find(id: number): LineTrackState | undefined {
    return this.ended.find((e) => e.id === id);
  }

  /** Ids of ended tracks a new track could continue (stream time `ptsMs`), newest first. */
  *ids(ptsMs: number): Generator<number> {
    for (let i = this.ended.length - 1; i >= 0; i--) {
      const e = this.ended[i]!;
      if (ptsMs - e.endPts <= ENDED_TTL_MS) yield e.id;
    }
  }
}
