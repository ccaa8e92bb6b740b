import type { Track } from '../../tracking/track.js';
import type { FrameContext, FrameRule } from '../frame-context.js';
import { FrameStats } from '../frame-stats.js';
import { DEFAULT_TAMPER, TamperDetector, type TamperOptions } from '../tamper.js';

const KEY = 'tamper';

/**
 * Camera tamper as an incident: each frame's statistics go to the TamperDetector (black, covered, blurred
 * or moved view); its start and end open and close one critical camera_tamper incident. Needs the frame:
 * results without one are skipped.
 */
export class CameraTamper implements FrameRule {
  readonly detector: TamperDetector;
  private readonly stats = new FrameStats();

  constructor(opts: TamperOptions = DEFAULT_TAMPER) {
    this.detector = new TamperDetector(opts);
  }

  update(_tracks: readonly Track[], ctx: FrameContext): void {
    if (!ctx.frame) return;
    this.stats.compute(ctx.frame);
    const change = this.detector.step(this.stats, ctx.pts);
    if (change === 'start') {
      ctx.incidents.start(ctx, {
        key: KEY,
        type: 'camera_tamper',
        severity: 'critical',
        trackIds: [],
        detail: `camera tamper: ${this.detector.active!}`,
      });
    } else if (change === 'end') {
      ctx.incidents.end(ctx, KEY);
    }
  }
}
