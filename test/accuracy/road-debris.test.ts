import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Incident } from '../../src/analytics/events.js';
import { NL_CARRIAGEWAY } from '../support/clip-cameras.js';
import {
  type Box,
  boxesOverlap,
  coveredShare,
  incidentBox,
  startedIncidents,
} from '../support/fallen-scene.js';
import { type ClipRun, runClip } from '../support/run-clip.js';
import { MEDIA } from '../support/vision.js';

/**
 * A load dropped on a busy motorway: a dark brown box (72x48 px), composed into the NL
 * clip (1280x720) with ffmpeg from a given second on, in a lane cars keep driving in. Nothing the detector
 * knows: the class-agnostic object model of road_obstacle has to find it. One carriageway zone over the
 * carriageway toward the camera, `detect.fps: 10`.
 */
const CLIP = 'nl_motorway_overpass.mp4';
const CAMERA = `detect: { fps: 10 }\n${NL_CARRIAGEWAY}`;
/** The clip's length, s. */
const CLIP_S = 11.1;
const W = 1280;
const H = 720;

interface Drop {
  name: string;
  /** Top-left corner (camera pixels) and the second it lands. */
  x: number;
  y: number;
  at: number;
}

/**
 * The right-hand lane, a car going by every 2 s or so, and the near left lane. In the right lane the object
 * model raised nothing while it learnt a cell as empty road only after 2 s in a row without traffic (the
 * clip is 11 s), and once it did, the cars driving over the load ended its incident and raised it again.
 */
const DROPS: Drop[] = [
  { name: 'right lane', x: 880, y: 420, at: 5 },
  { name: 'near left lane', x: 300, y: 600, at: 5 },
];

function compose(dir: string, d: Drop): string {
  const out = join(dir, `${d.name.replace(/ /g, '-')}.mp4`);
  execFileSync('ffmpeg', [
    ...['-v', 'error', '-y', '-i', join(MEDIA, CLIP), '-f', 'lavfi', '-i'],
    'color=c=0x6b4423:s=72x48:d=1,drawbox=x=0:y=0:w=72:h=48:color=0x3a2410:t=4,noise=alls=12:allf=t',
    '-filter_complex',
    `[1]trim=end_frame=1,loop=-1:1[box];[0][box]overlay=x=${d.x}:y=${d.y}:enable='gte(t,${d.at})':shortest=1`,
    ...['-c:v', 'libx264', '-crf', '18', '-an', out],
  ]);
  return out;
}

describe('accuracy: a load dropped in a running lane of a busy motorway', () => {
  const runs = new Map<string, ClipRun>();
  let dir: string | undefined;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'road-debris-'));
    for (const d of DROPS) runs.set(d.name, await runClip(compose(dir, d), CAMERA));
  }, 240_000);
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  for (const d of DROPS) {
    it(`raises road_obstacle within 5 s where it lies, in the ${d.name}, and keeps it open while it lies there`, () => {
      const run = runs.get(d.name)!;
      const box: Box = [d.x / W, d.y / H, (d.x + 72) / W, (d.y + 48) / H];
      const raised: Incident[] = startedIncidents(run, 'road_obstacle');
      const first = raised[0];
      expect(first, `${d.name}: nothing raised`).toBeDefined();
      const at = first!.startPtsMs / 1000;
      expect(at, `${d.name}: raised at ${at} s`).toBeGreaterThan(d.at);
      expect(at, `${d.name}: raised at ${at} s`).toBeLessThanOrEqual(d.at + 5);
      const where = incidentBox(first!);
      expect(where && boxesOverlap(where, box), `${d.name}: raised at ${JSON.stringify(where)}`).toBe(true);
      expect(coveredShare(where!, box)).toBeGreaterThan(0.5);
      // Cars driving past (and over it, in the composed clip) do not end it and raise it again.
      expect(raised.length, `${d.name}: ${raised.length} incidents`).toBe(1);
      const ended = run.events.find((e) => e.type === 'incident_end' && e.incident.id === first!.id);
      const endS =
        ended?.type === 'incident_end' ? (ended.incident.endPtsMs ?? 0) / 1000 : Number.POSITIVE_INFINITY;
      expect(endS, `${d.name}: ended at ${endS} s, before the clip did`).toBeGreaterThan(CLIP_S - 0.5);
      expect(first!.detail).toMatch(/unknown object still on the carriageway in zone road/);
    });
  }
});
