import { describe, expect, it } from 'vitest';
import { runClip } from '../support/run-clip.js';

const STREET = `  - id: street
    kind: no_stopping
    polygon: [[0, 0], [1, 0], [1, 1], [0, 1]]
    stoppedAfter: 15s`;
const KERBS = `  - id: far-kerb
    kind: parking
    polygon: [[0, 0.37], [0.55, 0.18], [0.55, 0.42], [0.15, 0.55], [0, 0.6]]
  - id: near-kerb
    kind: parking
    polygon: [[0, 0.55], [0.2, 0.58], [0.5, 0.66], [0.8, 0.7], [0.8, 1], [0, 1]]`;

describe('accuracy: residential street with cars parked on both sides (75 s)', () => {
  it('raises no stopped-vehicle (or any) incident for the parked cars in their parking zones', async () => {
    const run = await runClip(
      'residential_street_parked_cars.mp4',
      `detect: { fps: 5 }\nzones:\n${STREET}\n${KERBS}`,
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
