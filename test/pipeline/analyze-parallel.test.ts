import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseConfigText } from '../../src/config/load.js';
import { analyzeFile } from '../../src/pipeline/analyze.js';
import { MEDIA, NL_CLIP, REPO, testConfig } from '../support/vision.js';

function config(clip: string, motion: boolean, fps = 5, zone = true) {
  testConfig(); // clear errors when the model or clips are missing
  return parseConfigText(
    [
      'node: { id: t, site: t }',
      `models: { dir: ${JSON.stringify(join(REPO, 'models'))} }`,
      'cameras:',
      '  - id: clip',
      `    url: ${JSON.stringify(pathToFileURL(clip).href)}`,
      `    detect: { fps: ${fps}, motion: { enabled: ${motion} } }`,
      '    lines: [{ id: mid, points: [[0, 0.5], [1, 0.5]], directions: [down, up] }]',
      zone
        ? '    zones: [{ id: all, kind: carriageway, polygon: [[0, 0], [1, 0], [1, 1], [0, 1]], stoppedAfter: 5s }]'
        : '',
    ].join('\n'),
    join(REPO, 'test-config.yaml'),
    { cwd: REPO, env: {} },
  );
}

/** What must not depend on how many sessions infer: counts, incidents, which frames were inferred. */
function outcome(r: Awaited<ReturnType<typeof analyzeFile>>) {
  return {
    frames: r.frames,
    runs: r.inference.runs,
    gated: r.motionSkipped,
    regions: [r.detection.regionsOn, r.detection.regionsOff],
    counts: r.counts,
    incidents: r.incidents,
  };
}

describe('analyze with an inference session per core', () => {
  it('every frame of the NL clip: the ground truth (11 down, 0 up), as with one session', async () => {
    const cfg = config(NL_CLIP, false);
    const one = await analyzeFile(cfg, NL_CLIP, { everyFrame: true, sessions: 1 });
    const two = await analyzeFile(cfg, NL_CLIP, { everyFrame: true, sessions: 2 });
    expect(two.frames).toBe(335);
    expect(two.counts.mid!.down!.car).toBe(11);
    expect(Object.values(two.counts.mid!.up!).reduce((a, b) => a + b, 0)).toBe(0);
    expect(outcome(two)).toEqual(outcome(one));
  });

  // The parked cars in the zone are stopped-vehicle incidents. Jakarta and the residential street run with
  // the motion gate below too, with automatic regions.
  it('the residential street with a zone and the motion gate at 10 fps: the same counts, incidents and gate decisions', async () => {
    const clip = join(MEDIA, 'residential_street_parked_cars.mp4');
    const cfg = config(clip, true, 10);
    const one = await analyzeFile(cfg, clip, { sessions: 1 });
    const two = await analyzeFile(cfg, clip, { sessions: 3 });
    expect(one.inference.runs).toBeGreaterThan(0);
    expect(one.motionSkipped).toBeGreaterThan(0);
    expect(one.incidents.length).toBeGreaterThan(0);
    expect(outcome(two)).toEqual(outcome(one));
  });

  // A line alone: automatic detection regions around it (a tiled frame, its tiles spread over the
  // sessions), switched on and off by the region gate, whose decisions must not depend on the sessions either.
  it.each([
    ['jakarta_dense_traffic_motorcycles.mp4', false],
    ['residential_street_parked_cars.mp4', true],
  ] as const)('%s with automatic regions: the same counts and region decisions', async (name, someOff) => {
    const clip = join(MEDIA, name);
    const cfg = config(clip, true, 10, false);
    const one = await analyzeFile(cfg, clip, { sessions: 1 });
    const two = await analyzeFile(cfg, clip, { sessions: 3 });
    expect(one.detection.tiles.length).toBeGreaterThan(1);
    expect(one.detection.regionsOn).toBeGreaterThan(0);
    if (someOff) expect(one.detection.regionsOff).toBeGreaterThan(0);
    expect(outcome(two)).toEqual(outcome(one));
  });
});
