import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Incident } from '../../src/analytics/events.js';
import { intersectionArea } from '../../src/analytics/geometry.js';
import { NL_CARRIAGEWAY, RESIDENTIAL_ZONES, UK_CARRIAGEWAYS } from './clip-cameras.js';
import type { ClipRun } from './run-clip.js';
import { MEDIA } from './vision.js';

const PYTHON = '/usr/bin/python3';
/** The clip the fallen cyclist is composed into (its own cyclist and pedestrian, laid down). */
export const JUNCTION_CLIP = 'intersection_cctv_pedestrians.mp4';

/**
 * Other cameras' roads the fallen cyclist is composed into (compose-fallen.py --into): the clip, the cut-outs'
 * scale there (a bicycle about as long as a car is wide at that row), the zones as in the tests, and places
 * on the road away from parked cars (centre, fractions of the picture).
 */
export interface OtherRoad {
  name: string;
  clip: string;
  scale: number;
  zones: string;
  places: string[];
}

export const OTHER_ROADS: OtherRoad[] = [
  {
    name: 'residential street',
    clip: 'residential_street_parked_cars.mp4',
    scale: 0.7,
    zones: RESIDENTIAL_ZONES,
    places: ['0.35,0.5', '0.6,0.52', '0.75,0.45', '0.45,0.48', '0.25,0.5'],
  },
  {
    name: 'motorway in rain',
    clip: 'uk_motorway_heavy_rain.mp4',
    scale: 0.5,
    zones: UK_CARRIAGEWAYS,
    places: ['0.3,0.8', '0.75,0.75', '0.45,0.6', '0.6,0.9'],
  },
  {
    name: 'motorway (NL)',
    clip: 'nl_motorway_overpass.mp4',
    scale: 1.2,
    zones: NL_CARRIAGEWAY,
    places: ['0.7,0.6', '0.4,0.8', '0.6,0.35'],
  },
];

/** compose-fallen.py's arguments for the cyclist lying on `road` at `at` (riding in first: `ride`). */
export function intoArgs(road: OtherRoad, at: string, ride: boolean): string[] {
  const args = ['--into', join(MEDIA, road.clip), '--scale', String(road.scale), '--at', at];
  return ride ? [...args, '--ride-in'] : args;
}

/** [x1, y1, x2, y2] in fractions of the picture. */
export type Box = [number, number, number, number];

/** What compose-fallen.py put where (see its docstring). */
export interface FallenScene {
  fallSeconds: number;
  box: Box;
  /** With --stopping-car: when the car stands still, and where. */
  carStopSeconds?: number;
  carBox?: Box;
}

/** Runs a composing script of this folder on the junction clip, writing `dir/name.mp4`; its path and output. */
function compose(script: string, dir: string, name: string, args: string[]): { path: string; out: string } {
  if (!existsSync(PYTHON)) throw new Error(`${PYTHON} missing: install Debian python3-opencv`);
  const path = join(dir, `${name}.mp4`);
  const out = execFileSync(
    PYTHON,
    [join(import.meta.dirname, script), join(MEDIA, JUNCTION_CLIP), path, ...args],
    { encoding: 'utf8' },
  );
  return { path, out };
}

/** Composes the scene (compose-fallen.py with `args`) into `dir/name.mp4`. */
export function composeFallen(
  dir: string,
  name: string,
  args: string[] = [],
): { path: string; scene: FallenScene } {
  const { path, out } = compose('compose-fallen.py', dir, name, args);
  return { path, scene: JSON.parse(out) as FallenScene };
}

/** The changes of light compose-light.py makes, and what each is. */
export const LIGHT_CHANGES = {
  pool: "a stopped car's headlights",
  shadow: "a stopped car's shadow",
  cloud: "a cloud's shadow",
} as const;
export type LightChange = keyof typeof LIGHT_CHANGES;

/** Composes a change of light into the junction clip (compose-light.py, `light`) as `dir/name.mp4`. */
export function composeLight(dir: string, name: string, light: LightChange): string {
  return compose('compose-light.py', dir, name, ['--light', light]).path;
}

/** The incidents of `type` a run started, in order. */
export const startedIncidents = (run: ClipRun, type: string): Incident[] =>
  run.events.flatMap((e) => (e.type === 'incident_start' && e.incident.type === type ? [e.incident] : []));

/** Where an incident no track shows is (Incident.box: an object's road_obstacle), if it says. */
export const incidentBox = (i: Incident): Box | undefined => (i.box ? [...i.box] : undefined);

export const boxesOverlap = (a: Box, b: Box): boolean =>
  a[0] < b[2] && b[0] < a[2] && a[1] < b[3] && b[1] < a[3];

/** The share of box `b`'s area in the picture that box `a` covers. */
export function coveredShare(a: Box, b: Box): number {
  const bx1 = Math.max(0, b[0]);
  const by1 = Math.max(0, b[1]);
  const bx2 = Math.min(1, b[2]);
  const by2 = Math.min(1, b[3]);
  return intersectionArea(a[0], a[1], a[2], a[3], bx1, by1, bx2, by2) / ((bx2 - bx1) * (by2 - by1));
}

/** What a run raised for a composed fall (road_obstacle): where it lies after the fall, and the rest. */
export interface FallOutcome {
  /** The first incident on it after the fall, and how long after (s, to 0.1; null: none). */
  hit: Incident | undefined;
  raisedAfter: number | null;
  /** More incidents on it; incidents elsewhere or before the fall. */
  onIt: number;
  others: number;
}

export function fallOutcome(run: ClipRun, scene: FallenScene): FallOutcome {
  const fall = scene.fallSeconds * 1000;
  const there = (i: Incident) => i.startPtsMs >= fall && boxesOverlap(incidentBox(i) ?? scene.box, scene.box);
  const obs = startedIncidents(run, 'road_obstacle');
  const hit = obs.find(there);
  return {
    hit,
    raisedAfter: hit ? Math.round((hit.startPtsMs - fall) / 100) / 10 : null,
    onIt: obs.filter((i) => i !== hit && there(i)).length,
    others: obs.filter((i) => !there(i)).length,
  };
}
