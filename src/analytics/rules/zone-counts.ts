import { TRAFFIC_CLASSES } from '../../domain/traffic.js';
import type { Track } from '../../tracking/track.js';
import type { FrameContext, FrameRule } from '../frame-context.js';
import { isVehicle } from '../track-info.js';

/**
 * Per zone and frame: objects inside per class, moving vehicles and their mean speed (what congestion and
 * queue checks read), added to the interval's occupancy statistics.
 */
export class ZoneCounts implements FrameRule {
  update(tracks: readonly Track[], ctx: FrameContext): void {
    const zones = ctx.zones;
    for (let z = 0; z < zones.length; z++) {
      const zone = zones[z]!;
      zone.now.fill(0);
      let vehicles = 0;
      let speedSum = 0;
      let speedN = 0;
      let normSum = 0;
      for (let i = 0; i < tracks.length; i++) {
        const t = tracks[i]!;
        const info = ctx.infoAt[i];
        if (!t.confirmed || !info?.inZone[z]) continue;
        const cls = info.classOf(t);
        const ci = TRAFFIC_CLASSES.indexOf(cls);
        zone.now[ci] = zone.now[ci]! + 1;
        // Parked vehicles are not traffic: they count in occupancy, not in flow, speed or queues.
        if (!isVehicle(cls) || (!zone.parking && ctx.inParking(info))) continue;
        vehicles++;
        normSum += info.normSpeed;
        if (!Number.isNaN(info.speedKmh)) {
          speedSum += info.speedKmh;
          speedN++;
        }
      }
      zone.vehiclesNow = vehicles;
      zone.speedNow = speedN > 0 ? speedSum / speedN : Number.NaN;
      zone.normSpeedNow = vehicles > 0 ? normSum / vehicles : 0;
      zone.accumulate();
    }
  }
}
