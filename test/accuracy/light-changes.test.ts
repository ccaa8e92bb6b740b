import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WHOLE_JUNCTION } from '../support/clip-cameras.js';
import { composeLight, LIGHT_CHANGES, type LightChange, startedIncidents } from '../support/fallen-scene.js';
import { type ClipRun, runClip } from '../support/run-clip.js';

const LIGHTS = Object.keys(LIGHT_CHANGES) as LightChange[];

/**
 * Changes of light composed into the junction clip (compose-light.py): a car that drives in and stops with
 * the pool of its headlights on the road ahead of it, or its shadow beside it, and a cloud's shadow
 * settling over a fifth of the picture. The object model (road_obstacle's objects) saw each as a new object
 * lying still on the road, raised 1.5-3 s after it settled: at night at every red light, on every sunny or
 * cloudy day. Light that only changes the road's brightness, over a fifth of it or next to a car that just
 * stopped, is not an object (StaticObjects.isLightChange, RoadObjects' stoppedBeside).
 */
describe('accuracy: no road obstacle for a change of light', () => {
  const runs = new Map<string, ClipRun>();
  let dir: string | undefined;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'light-changes-'));
    for (const light of LIGHTS) {
      const path = composeLight(dir, light, light);
      runs.set(light, await runClip(path, `detect: { fps: 10 }\n${WHOLE_JUNCTION}`));
    }
  }, 240_000);
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  for (const light of LIGHTS) {
    it(`raises none for ${LIGHT_CHANGES[light]}`, () => {
      const run = runs.get(light)!;
      const raised = startedIncidents(run, 'road_obstacle');
      expect(raised.map((i) => `${i.startPtsMs} ms: ${i.detail}`)).toEqual([]);
      // Not vacuous: the junction has road users the rules look at (the pedestrian's incident comes).
      expect(run.events.some((e) => e.type === 'incident_start')).toBe(true);
    });
  }
});
