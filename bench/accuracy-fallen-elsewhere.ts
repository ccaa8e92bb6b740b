/**
 * The part of `npm run bench:accuracy` that takes the fallen cyclist off the junction it was cut from: the
 * same cyclist and pedestrian, laid down (test/support/compose-fallen.py --into, scaled to the road), on
 * three other cameras' roads at several places, appearing there lying or riding in and going down. Not a
 * goal's own figure (the issue's fallen cyclist is the junction's, accuracy-incidents.ts), but how the
 * road_obstacle rule carries off the junction it was built on: other scales, a steep view from above, rain,
 * traffic. These scenes found the faults fixed with them (a "car" that appeared and never moved, a rider
 * gone down whose track lived on): they are ours, not a hidden check. `detect.fps: 10`, the zones as in the
 * tests (test/support/fallen-scene.ts OTHER_ROADS).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { composeFallen, fallOutcome, intoArgs, OTHER_ROADS } from '../test/support/fallen-scene.js';
import { runClip } from '../test/support/run-clip.js';

/** The table and figures: per road, place and way, seconds from the fall to road_obstacle where it lies. */
export async function fallenElsewhere(log: (s: string) => void): Promise<{ md: string[]; json: unknown }> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-fallen-elsewhere-'));
  try {
    const scenes: {
      road: string;
      at: string;
      ride: boolean;
      raisedAfter: number | null;
      others: number;
      onIt: number;
    }[] = [];
    for (const road of OTHER_ROADS) {
      for (const ride of [false, true]) {
        for (const at of road.places) {
          log(`fallen cyclist on the ${road.name} at ${at}${ride ? ', riding in' : ''}… `);
          const name = `${road.clip}-${at}${ride ? '-ride' : ''}`;
          const { path, scene } = composeFallen(dir, name, intoArgs(road, at, ride));
          const run = await runClip(path, `detect: { fps: 10 }\n${road.zones}`);
          const { raisedAfter, others, onIt } = fallOutcome(run, scene);
          scenes.push({ road: road.name, at, ride, raisedAfter, others, onIt });
        }
      }
    }
    log('\n');
    const within = scenes.filter((s) => s.raisedAfter !== null && s.raisedAfter <= 5).length;
    const raised = scenes.filter((s) => s.raisedAfter !== null).length;
    const json = { scenes, total: scenes.length, raised, within5s: within };
    const md = [
      '## Incidents: the fallen cyclist on other roads',
      '',
      "The junction's fallen cyclist (accuracy-incidents.ts) composed into three other clips",
      '(`compose-fallen.py --into`, scaled to the road there) from 4 s on, appearing lying or riding in over',
      'the 2 s before and going down; the zones as in the tests, `detect.fps: 10`. Pasted over everything, it',
      'also lies on top of the traffic that drives through its place (a real one would be driven around).',
      `Raised within 5 s where it lies: ${within} of ${scenes.length}; raised at all: ${raised}.`,
      '',
      '| road | where | how | road_obstacle where it lies, after the fall | more on it | elsewhere or before |',
      '|---|---|---|---|---|---|',
      ...scenes.map(
        (s) =>
          `| ${s.road} | ${s.at} | ${s.ride ? 'rides in, falls' : 'appears lying'} | ${s.raisedAfter === null ? '**not raised**' : s.raisedAfter > 5 ? `**${s.raisedAfter} s**` : `${s.raisedAfter} s`} | ${s.onIt} | ${s.others} |`,
      ),
      '',
    ];
    return { md, json };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
