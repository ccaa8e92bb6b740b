import { type FrameGeometry, tileHolds } from '../camera/frame.js';
import type { Detection } from './detection.js';

/** The regions run on this many frames when the camera starts, to see what kind of traffic it has. */
export const REGION_WARM_UP_FRAMES = 10;
/** After a small road user near a line or zone, the regions keep running this long (ms). */
export const REGION_HOLD_MS = 10_000;
/** Without any, they still run on one frame this often, to look (ms). */
export const REGION_PROBE_MS = 5000;
/** Detections of small road users at least this sure keep the regions on. */
const SMALL_USER_SCORE = 0.3;

/**
 * Decides, frame by frame, whether a camera's automatic detection regions (the gated tiles, at a higher
 * scale than the whole picture) are inferred: they exist for small road users — motorcycles, bicycles,
 * people — that the whole picture at the model's input size makes too small to find. While the
 * regions' own detections (or the whole picture's) show such road users in them, and for
 * REGION_HOLD_MS after, every frame gets the regions; otherwise only the whole picture is inferred, with
 * one region frame every REGION_PROBE_MS to look. A motorway of cars costs about the whole picture; dense
 * motorcycle traffic gets the regions all the time.
 */
export class RegionGate {
  private wantUntil = Number.NEGATIVE_INFINITY;
  private lastRegionPts = Number.NEGATIVE_INFINITY;
  /** Frames with and without the regions, for health and benchmarks. */
  on = 0;
  off = 0;

  constructor(readonly geometry: FrameGeometry) {}

  /**
   * Until when the detections observed so far keep the regions on (ms). A caller that has several frames
   * in flight takes it as it was after an earlier frame and passes it to want(), so the decisions do not
   * depend on which results are back yet.
   */
  get holdUntil(): number {
    return this.wantUntil;
  }

  /** Whether the decision for the frame at `ptsMs` depends on the hold (not warming up, no probe due). */
  needsHold(ptsMs: number): boolean {
    return !(this.on < REGION_WARM_UP_FRAMES || ptsMs - this.lastRegionPts >= REGION_PROBE_MS);
  }

  /**
   * Whether the (inferred) frame at `ptsMs` gets the regions; `holdUntil`: the hold to go by (default: from
   * every detection observed so far).
   */
  want(ptsMs: number, holdUntil = this.wantUntil): boolean {
    const yes =
      this.on < REGION_WARM_UP_FRAMES || ptsMs <= holdUntil || ptsMs - this.lastRegionPts >= REGION_PROBE_MS;
    if (yes) {
      this.lastRegionPts = ptsMs;
      this.on++;
    } else {
      this.off++;
    }
    return yes;
  }

  /** The detections of the frame at `ptsMs`: small road users in a region keep the regions on. */
  observe(detections: readonly Detection[], ptsMs: number): void {
    const tiles = this.geometry.tiles;
    if (!tiles) return;
    for (let i = 0; i < detections.length; i++) {
      const d = detections[i]!;
      if (
        d.score < SMALL_USER_SCORE ||
        (d.cls !== 'motorcycle' && d.cls !== 'bicycle' && d.cls !== 'person')
      ) {
        continue;
      }
      const cx = ((d.x1 + d.x2) / 2) * this.geometry.srcWidth;
      const cy = ((d.y1 + d.y2) / 2) * this.geometry.srcHeight;
      for (let t = 0; t < tiles.length; t++) {
        const tile = tiles[t]!;
        if (!tile.gated) continue;
        if (tileHolds(tile, cx, cy)) {
          this.wantUntil = Math.max(this.wantUntil, ptsMs + REGION_HOLD_MS);
          return;
        }
      }
    }
  }
}

/** Whether a frame geometry has automatic regions a RegionGate decides on. */
export function hasGatedTiles(geometry: FrameGeometry): boolean {
  return geometry.tiles?.some((t) => t.gated) ?? false;
}
