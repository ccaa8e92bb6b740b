import { describe, expect, it } from 'vitest';
import { RESIDENTIAL_KERBS, RESIDENTIAL_STREET } from '../support/clip-cameras.js';
import { runClip } from '../support/run-clip.js';

describe('accuracy: residential street with cars parked on both sides (75 s)', () => {
  it('raises no stopped-vehicle (or any) incident for the parked cars in their parking zones', async () => {
    const run = await runClip(
      'residential_street_parked_cars.mp4',
      `detect: { fps: 5 }\nzones:\n${RESIDENTIAL_STREET}\n${RESIDENTIAL_KERBS}`,
    );
    const incidents = run.events.flatMap((e) => (e.type === 'incident_start' ? [e.incident] : []));
    expect(incidents).toEqual([]);
    // The parked cars are there all along: the zones do see them.
    const occ = run.events.filter((e) => e.type === 'zone_occupancy' && e.zoneId === 'near-kerb');
    expect(occ.some((e) => e.type === 'zone_occupancy' && (e.max.car ?? 0) + (e.max.truck ?? 0) >= 2)).toBe(
      true,
    );
  }, 120_000);
});
