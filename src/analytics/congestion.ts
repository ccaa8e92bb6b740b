import type { ZoneConfig } from '../config/schema.js';
import { CONGESTION_LEVELS, type CongestionLevel } from './events.js';

type Thresholds = NonNullable<ZoneConfig['congestion']>;

export const DEFAULT_CONGESTION: Thresholds = {
  occupancy: { moderate: 0.3, heavy: 0.6, jammed: 0.85 },
  speedKmh: { moderate: 40, heavy: 20, jammed: 8 },
  hold: 30_000,
};

/** Level (0..3) from occupancy alone. */
export function levelFromOccupancy(occ: number, t: Thresholds): number {
  const o = t.occupancy;
  return occ >= o.jammed ? 3 : occ >= o.heavy ? 2 : occ >= o.moderate ? 1 : 0;
}

/** Level (0..3) from mean speed alone. */
export function levelFromSpeed(kmh: number, t: Thresholds): number {
  const s = t.speedKmh;
  return kmh <= s.jammed ? 3 : kmh <= s.heavy ? 2 : kmh <= s.moderate ? 1 : 0;
}

/**
 * Instant level from what is known: occupancy (needs the zone's capacity) and mean vehicle speed (needs
 * calibration and vehicles in the zone). With both, the lower of the two: a full road that flows is not
 * jammed, and one slow car on an empty road is not a jam either.
 */
export function instantLevel(
  t: Thresholds,
  occupancy: number | undefined,
  meanSpeedKmh: number | undefined,
): number | undefined {
  const byOcc = occupancy === undefined ? undefined : levelFromOccupancy(occupancy, t);
  const bySpeed = meanSpeedKmh === undefined ? undefined : levelFromSpeed(meanSpeedKmh, t);
  if (byOcc === undefined) return bySpeed;
  if (bySpeed === undefined) return byOcc;
  return Math.min(byOcc, bySpeed);
}

/**
 * Hysteresis: a new level is reported only after the instant level has stayed at it for `hold` ms.
 * Returns the new level when it changes, undefined otherwise.
 */
export class CongestionState {
  level = 0;
  private candidate = 0;
  private candidateSince = 0;

  constructor(private readonly holdMs: number) {}

  step(instant: number, ptsMs: number): CongestionLevel | undefined {
    if (instant !== this.candidate) {
      this.candidate = instant;
      this.candidateSince = ptsMs;
    }
    if (this.candidate !== this.level && ptsMs - this.candidateSince >= this.holdMs) {
      this.level = this.candidate;
      return CONGESTION_LEVELS[this.level];
    }
    return undefined;
  }
}
