import type { Track } from '../../tracking/track.js';
import { CongestionState, DEFAULT_CONGESTION, instantLevel } from '../congestion.js';
import { CONGESTION_LEVELS, type CongestionLevel } from '../events.js';
import type { FrameContext, FrameRule } from '../frame-context.js';
import type { ZoneRuntime } from '../zone-runtime.js';

/**
 * Congestion level per zone from occupancy (zones with a capacity) and mean vehicle speed (calibrated
 * cameras), with hysteresis; a change is an event, an alert when it gets heavy or jammed. Reads what
 * ZoneCounts found this frame.
 */
export class CongestionLevels implements FrameRule {
  private readonly states: CongestionState[];

  constructor(
    zones: readonly ZoneRuntime[],
    /** Whether the camera has a ground calibration (speeds in km/h). */
    private readonly calibrated: boolean,
  ) {
    this.states = zones.map((z) => new CongestionState(thresholds(z).hold));
  }

  update(_tracks: readonly Track[], ctx: FrameContext): void {
    for (let z = 0; z < ctx.zones.length; z++) this.step(ctx.zones[z]!, this.states[z]!, ctx);
  }

  private step(zone: ZoneRuntime, state: CongestionState, ctx: FrameContext): void {
    const cap = zone.cfg.capacity;
    const occupancy = cap ? zone.vehiclesNow / cap : undefined;
    const speed = Number.isNaN(zone.speedNow) ? undefined : zone.speedNow;
    if (occupancy === undefined && !this.calibrated) return;
    // Speed-only levels need traffic to judge; an empty road is free.
    const level = instantLevel(thresholds(zone), occupancy, zone.vehiclesNow > 0 ? speed : undefined) ?? 0;
    const prev = state.level;
    const changed = state.step(level, ctx.pts);
    if (!changed) return;
    ctx.events.push({
      type: 'congestion',
      cameraId: ctx.cameraId,
      zoneId: zone.id,
      level: changed,
      previous: CONGESTION_LEVELS[prev] as CongestionLevel,
      timeMs: ctx.time,
      occupancy,
      meanSpeedKmh: speed,
      alert: state.level >= 2 && state.level > prev,
    });
  }
}

function thresholds(zone: ZoneRuntime) {
  return zone.cfg.congestion ?? DEFAULT_CONGESTION;
}
