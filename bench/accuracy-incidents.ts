/**
 * The part of `npm run bench:accuracy` for the incidents issue #13 names, against its goals: a fallen
 * cyclist raised within 5 s (road_obstacle), a vehicle that stops after it raised (stopped_vehicle), and
 * nothing raised for the junction's own traffic (cars waiting to turn, the cyclist waiting upright, the
 * parked car). The fallen cyclist is composed into the junction clip from its own frames
 * (test/support/compose-fallen.py) at several places on the road, so no one spot is what passes, appearing
 * there lying or riding in and going down.
 * `detect.fps: 10`, the junction's zones as a technician draws them (test/support/clip-cameras.ts).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Incident } from '../src/analytics/events.js';
import { renderEvidenceJpeg } from '../src/analytics/evidence.js';
import { JUNCTION_ZONES, WHOLE_JUNCTION } from '../test/support/clip-cameras.js';
import {
  boxesOverlap,
  composeFallen,
  composeLight,
  fallOutcome,
  incidentBox,
  JUNCTION_CLIP,
  LIGHT_CHANGES,
  type LightChange,
  startedIncidents,
} from '../test/support/fallen-scene.js';
import { type ClipRun, runClip } from '../test/support/run-clip.js';

/** Where the cyclist lies (centre, fractions of the picture): empty road all over the junction. */
const PLACES = ['0.3,0.75', '0.55,0.42', '0.78,0.3', '0.2,0.92', '0.6,0.6'];
const CAMERA = `detect: { fps: 10 }\n${JUNCTION_ZONES}`;
const secs = (ms: number) => Math.round(ms / 100) / 10;

/** The evidence picture of `incident` as the run raised it (undefined: none taken). */
async function evidenceOf(run: ClipRun, incident: Incident | undefined): Promise<Buffer | undefined> {
  const e = run.events.find((x) => x.type === 'incident_start' && x.incident === incident);
  return e?.type === 'incident_start' && e.evidence ? renderEvidenceJpeg(e.evidence) : undefined;
}

/**
 * The incident goals' table and figures, and evidence pictures for the bench's contact sheet: the fallen
 * cyclist's first raise each way (appearing lying, riding in), and the car stopping by it.
 */
export async function incidentGoals(
  log: (s: string) => void,
): Promise<{ md: string[]; json: unknown; evidence: Buffer[] }> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-incidents-'));
  try {
    /**
     * raisedAfter: seconds from the fall to the road_obstacle where the cyclist lies (null: none there);
     * others: road_obstacle before the fall or elsewhere (false); onIt: more incidents on the same fallen
     * cyclist (the bicycle and the person as two objects). `ride`: it rode in and went down (--ride-in),
     * rather than appearing lying.
     */
    const falls: { at: string; ride: boolean; raisedAfter: number | null; others: number; onIt: number }[] =
      [];
    const pictures: (Buffer | undefined)[] = [];
    for (const ride of [false, true]) {
      let shown = false;
      for (const at of PLACES) {
        log(`fallen cyclist at ${at}${ride ? ', riding in' : ''}… `);
        const args = ['--at', at, ...(ride ? ['--ride-in'] : [])];
        const { path, scene } = composeFallen(dir, `fall-${at}${ride ? '-ride' : ''}`, args);
        const run = await runClip(path, CAMERA);
        const { hit, raisedAfter, others, onIt } = fallOutcome(run, scene);
        if (hit && !shown) {
          shown = true;
          pictures.push(await evidenceOf(run, hit));
        }
        falls.push({ at, ride, raisedAfter, others, onIt });
      }
    }
    log('stopping car… ');
    const withCar = composeFallen(dir, 'fall-car', ['--seconds', '20', '--stopping-car']);
    const carRun = await runClip(withCar.path, CAMERA);
    const carStop = withCar.scene.carStopSeconds! * 1000;
    const stopped = startedIncidents(carRun, 'stopped_vehicle');
    const car = stopped.find((i) => i.startPtsMs >= carStop);
    pictures.push(await evidenceOf(carRun, car));
    const carObstacles = startedIncidents(carRun, 'road_obstacle').filter((i) => {
      const b = incidentBox(i);
      return b !== undefined && boxesOverlap(b, withCar.scene.carBox!);
    }).length;
    log('junction as recorded…\n');
    const plain = await runClip(JUNCTION_CLIP, CAMERA);
    const falseAlarms = [
      ...startedIncidents(plain, 'road_obstacle'),
      ...startedIncidents(plain, 'stopped_vehicle'),
    ];
    // Changes of light (test/support/compose-light.py), under both cameras' zones: none is an object.
    const lights: { light: LightChange; zones: string; obstacles: string[] }[] = [];
    for (const light of Object.keys(LIGHT_CHANGES) as LightChange[]) {
      log(`light: ${light}… `);
      const path = composeLight(dir, `light-${light}`, light);
      for (const [zones, cfg] of [
        ['junction zones', CAMERA],
        ['whole junction', `detect: { fps: 10 }\n${WHOLE_JUNCTION}`],
      ] as const) {
        const run = await runClip(path, cfg);
        const raised = startedIncidents(run, 'road_obstacle');
        lights.push({ light, zones, obstacles: raised.map((i) => `${secs(i.startPtsMs)} s: ${i.detail}`) });
      }
    }
    const worst = falls.reduce<number | null>(
      (w, f) => (f.raisedAfter === null || w === null ? null : Math.max(w, f.raisedAfter)),
      0,
    );
    const json = {
      fallen: { places: falls, worstSeconds: worst, goalSeconds: 5 },
      stoppingCar: {
        raisedAfter: car ? secs(car.startPtsMs - carStop) : null,
        stoppedAfterSetting: 10,
        others: stopped.filter((i) => i !== car).length,
        obstaclesOnCar: carObstacles,
      },
      junction: {
        falseAlarms: falseAlarms.length,
        detail: falseAlarms.map((i) => `${i.type} ${secs(i.startPtsMs)} s ${i.zoneId}: ${i.detail}`),
      },
      lightChanges: { scenes: lights, falseAlarms: lights.reduce((n, l) => n + l.obstacles.length, 0) },
    };
    const md = [
      '## Incidents: fallen cyclist, a vehicle stopping, the junction as it is',
      '',
      'The junction clip with its own cyclist and pedestrian cut out, laid on their sides and pasted on the road',
      '(test/support/compose-fallen.py) from 4 s on, at each place below (centre, fractions of the picture):',
      'appearing there lying, or riding in upright over the 2 s before (from a quarter of the picture away) and',
      'going down there (`--ride-in`: a tracked road user that stops and falls). The junction zones as',
      'configured in the tests, `detect.fps: 10`. Goal: `road_obstacle` within 5 s of the fall, where the',
      'cyclist lies; nothing else raised.',
      '',
      '| where | how | road_obstacle where it lies, after the fall | more on it | elsewhere or before |',
      '|---|---|---|---|---|',
      ...falls.map(
        (f) =>
          `| ${f.at} | ${f.ride ? 'rides in, falls' : 'appears lying'} | ${f.raisedAfter === null ? '**not raised**' : `${f.raisedAfter} s`} | ${f.onIt} | ${f.others} |`,
      ),
      '',
      `A car (cut from the clip) driving in 1 s after the fall and standing by the cyclist from ${secs(carStop)} s`,
      `(the ambulance): \`stopped_vehicle\` ${car ? `${secs(car.startPtsMs - carStop)} s after it stopped` : '**not raised**'} (zone \`stoppedAfter: 10s\`), ${carObstacles} \`road_obstacle\` on the car.`,
      `The junction as recorded (cars waiting to turn, the cyclist waiting upright, the parked car): ${falseAlarms.length} \`road_obstacle\` or \`stopped_vehicle\`${falseAlarms.length ? `: ${json.junction.detail.join('; ')}` : ''}.`,
      '',
      'Changes of light composed into the junction clip (test/support/compose-light.py): a car driving in and',
      "stopping with the pool of its headlights on the road ahead of it, or its shadow beside it, and a cloud's",
      'shadow settling over a fifth of the picture; the junction zones and one carriageway zone over the whole',
      'junction. Goal: no `road_obstacle`.',
      '',
      '| change of light | zones | road_obstacle |',
      '|---|---|---|',
      ...lights.map(
        (l) =>
          `| ${LIGHT_CHANGES[l.light]} | ${l.zones} | ${l.obstacles.length ? `**${l.obstacles.join('; ')}**` : 'none'} |`,
      ),
      '',
    ];
    return { md, json, evidence: pictures.filter((p) => p !== undefined) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
