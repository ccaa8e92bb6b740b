import type { CameraConfig } from '../../config/schema.js';
import type { Track } from '../../tracking/track.js';
import type { FrameContext, FrameRule } from '../frame-context.js';
import { LineCounter } from '../line-counter.js';

/** Line crossings: every matched track's anchor point goes to every counting line (see LineCounter). */
export class LineCrossings implements FrameRule {
  readonly lines: LineCounter[];

  constructor(camera: Pick<CameraConfig, 'id' | 'lines'>) {
    this.lines = camera.lines.map((l) => new LineCounter(camera.id, l));
  }

  update(tracks: readonly Track[], ctx: FrameContext): void {
    if (!ctx.inferred || this.lines.length === 0) return;
    for (let i = 0; i < tracks.length; i++) {
      const t = tracks[i]!;
      const info = ctx.infoAt[i];
      if (!t.matched || !info) continue;
      const cls = info.classOf(t);
      const confirmed = t.confirmed;
      for (const line of this.lines) {
        const y = line.anchor === 'bottom' ? info.by : info.cy;
        const ev = line.observe(t.id, cls, confirmed, info.cx, y, ctx.time, ctx.pts);
        if (ev) ctx.events.push(ev);
      }
    }
  }

  /** A track is gone: its crossing state goes too. */
  trackEnded(t: Track): void {
    for (const line of this.lines) line.forget(t.id);
  }
}
