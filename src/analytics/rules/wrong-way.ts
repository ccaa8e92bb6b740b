import type { Track } from '../../tracking/track.js';
import type { FrameContext, FrameRule } from '../frame-context.js';
import { isVehicle } from '../track-info.js';
import type { ZoneRuntime } from '../zone-runtime.js';
import { TrackIncidents } from './track-incidents.js';

/**
 * Wrong way: a moving vehicle heading against a zone's direction (more than 120° off) for the zone's
 * `wrongWayFrames` consecutive matched frames; the incident ends when it leaves the zone.
 */
export class WrongWay implements FrameRule {
  private readonly open = new TrackIncidents();
  /** Indices of zones with a direction, that direction and its length. */
  private readonly directed: number[] = [];
  private readonly dx: number[] = [];
  private readonly dy: number[] = [];
  private readonly dn: number[] = [];

  constructor(
    zones: readonly ZoneRuntime[],
    /** Below this speed (box heights/s) a vehicle is not moving: its heading says nothing. */
    private readonly movingNormSpeed: number,
  ) {
    zones.forEach((zone, z) => {
      const dir = zone.cfg.direction;
      const n = dir ? Math.hypot(dir[0], dir[1]) : 0;
      if (!dir || n === 0) return;
      this.directed.push(z);
      this.dx.push(dir[0]);
      this.dy.push(dir[1]);
      this.dn.push(n);
    });
  }

  update(tracks: readonly Track[], ctx: FrameContext): void {
    if (ctx.inferred && this.directed.length > 0) {
      for (let i = 0; i < tracks.length; i++) {
        const t = tracks[i]!;
        if (t.matched && t.confirmed) this.follow(t, i, ctx);
      }
    }
    this.open.sweep(ctx, isOver);
  }

  private follow(t: Track, i: number, ctx: FrameContext): void {
    const info = ctx.infoAt[i];
    if (!info) return;
    const vehicle = isVehicle(info.classOf(t));
    for (let k = 0; k < this.directed.length; k++) {
      const z = this.directed[k]!;
      // The count is per stay in the zone: outside it starts again.
      if (!info.inZone[z]) {
        info.wrongWay[z] = 0;
        continue;
      }
      if (!vehicle || info.normSpeed < this.movingNormSpeed) continue;
      const vn = Math.hypot(info.vx, info.vy);
      if (vn === 0) continue;
      const cos = (info.vx * this.dx[k]! + info.vy * this.dy[k]!) / (this.dn[k]! * vn);
      if (cos < -0.5) info.wrongWay[z] = info.wrongWay[z]! + 1;
      else if (cos > 0) info.wrongWay[z] = 0;
      const zone = ctx.zones[z]!;
      // The count may run on while the incident is open; only reaching wrongWayFrames matters.
      if (info.wrongWay[z]! < zone.cfg.wrongWayFrames || this.open.has(z, t.id)) continue;
      const key = `wrong:${zone.id}:${t.id}`;
      const incident = ctx.incidents.start(ctx, {
        key,
        type: 'wrong_way',
        severity: 'critical',
        zone,
        cls: info.classOf(t),
        trackIds: [t.id],
        detail: `heading against the traffic in zone ${zone.id}`,
      });
      this.open.add(incident, key, z, t.id);
    }
  }
}

/** The vehicle has left the zone (or is gone). */
function isOver(z: number, trackId: number, ctx: FrameContext): boolean {
  const info = ctx.infos.get(trackId);
  return !info?.inZone[z];
}
