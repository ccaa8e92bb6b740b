/**
 * Accuracy report: runs the real chain (ffmpeg reader → vision pipeline → traffic analytics) on the
 * media clips, compares counts with the hand-counted truth, lists incidents, renders their evidence
 * JPEGs and a contact sheet; first, default settings side by side with the OpenCV baseline and the
 * throughput (bench/accuracy-default.ts), Jakarta at 0.8 through five detection crops (bench/accuracy-crops.ts),
 * the same clips played backwards (bench/accuracy-reversed.ts) and mirrored (bench/accuracy-mirrored.ts), the UK
 * rain clip behind haze (bench/accuracy-haze.ts), the hand-counted lines at lower detection rates
 * (bench/accuracy-rates.ts), and the motorway lines with a less sure detector (bench/accuracy-unsure.ts).
 * Writes bench/results/accuracy.md, accuracy.json, accuracy-evidence.jpg.
 *
 *   npx tsx bench/accuracy.ts
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Incident } from '../src/analytics/events.js';
import { contactSheet, renderEvidenceJpeg } from '../src/analytics/evidence.js';
import {
  JAKARTA_DETECT,
  JAKARTA_LINE,
  JAKARTA_ROAD,
  JUNCTION_ZONES,
  NL_LINE,
  RESIDENTIAL_KERBS,
  RESIDENTIAL_STREET,
} from '../test/support/clip-cameras.js';
import { type ClipRun, runClip } from '../test/support/run-clip.js';
import { MEDIA, REPO } from '../test/support/vision.js';
import { borderLines } from './accuracy-border.js';
import { cropSpread } from './accuracy-crops.js';
import { defaultSettings, throughput } from './accuracy-default.js';
import { fallenElsewhere } from './accuracy-fallen-elsewhere.js';
import { hazedClip, lowSunClips } from './accuracy-haze.js';
import { higherLines } from './accuracy-higher.js';
import { incidentGoals } from './accuracy-incidents.js';
import { mirroredClips } from './accuracy-mirrored.js';
import { lowerRates } from './accuracy-rates.js';
import { residentialLines } from './accuracy-residential.js';
import { otherResolutions } from './accuracy-resolution.js';
import { reversedClips } from './accuracy-reversed.js';
import { sharedCamera } from './accuracy-shared.js';
import { unsureDetector } from './accuracy-unsure.js';

const OUT = join(REPO, 'bench', 'results');

interface Case {
  name: string;
  clip: string;
  camera: string;
  purpose: string;
  truth?: { line: string; counts: Record<string, Record<string, number>> };
  /** More lines to compare with a hand count (down direction only), shown under the table. */
  more?: { line: string; down: Record<string, number> }[];
}

const nlTruth = JSON.parse(readFileSync(join(MEDIA, 'ground-truth.json'), 'utf8'))[
  'nl_motorway_overpass.mp4'
];
const jkTruth = JSON.parse(readFileSync(join(REPO, 'test', 'accuracy', 'jakarta-ground-truth.json'), 'utf8'));

const CASES: Case[] = [
  {
    name: 'NL motorway, line y = 0.5',
    clip: 'nl_motorway_overpass.mp4',
    purpose: 'line count vs ground-truth.json (test: exact)',
    camera: `detect: { fps: 10 }\n${NL_LINE}`,
    truth: {
      line: 'main',
      counts: {
        down: { car: nlTruth.counts.down.car, motorcycle: nlTruth.counts.down.motorcycle },
        up: { car: nlTruth.counts.up.car, motorcycle: nlTruth.counts.up.motorcycle },
      },
    },
  },
  {
    name: 'Jakarta dense traffic, line y = 0.9',
    clip: 'jakarta_dense_traffic_motorcycles.mp4',
    purpose:
      'line count vs hand count (test/accuracy/jakarta-ground-truth.*), target within 10 % per class; two detection tiles over the road `[[0.25, 0.3, 0.65, 1], [0.5, 0.3, 0.9, 1]]` (2 inferences per frame)',
    camera: `${JAKARTA_DETECT}
${JAKARTA_LINE}
  - id: y080
    points: [[0.3, 0.8], [0.9, 0.8]]
    directions: [down, up]
${JAKARTA_ROAD}`,
    truth: {
      line: 'low',
      counts: { down: jkTruth.lines.y090.counts.down, up: jkTruth.lines.y090.counts.up },
    },
    more: [{ line: 'y080', down: jkTruth.lines.y080.counts.down }],
  },
  {
    name: 'Junction CCTV: pedestrian, parked car, cyclist',
    clip: 'intersection_cctv_pedestrians.mp4',
    purpose: 'pedestrian_in_carriageway on the zebra 0-10 s; parked car / cyclist must not alarm',
    camera: `detect: { fps: 10 }\n${JUNCTION_ZONES}`,
  },
  {
    name: 'Residential street, parked cars both sides',
    clip: 'residential_street_parked_cars.mp4',
    purpose:
      'no stopped-vehicle incidents for parked cars (parking zones over both kerbs, street no_stopping 15 s)',
    camera: `detect: { fps: 5 }\nzones:\n${RESIDENTIAL_STREET}\n${RESIDENTIAL_KERBS}`,
  },
  {
    name: 'Junction, stopped-vehicle demo (kerb NOT marked as parking)',
    clip: 'intersection_cctv_pedestrians.mp4',
    purpose: 'demonstration of stopped_vehicle evidence: the same junction without the parking zone',
    camera: `detect: { fps: 10 }
zones:
  - id: junction
    kind: no_stopping
    polygon: [[0, 0.2], [1, 0.2], [1, 0.65], [0.7, 1], [0, 1]]
    stoppedAfter: 10s`,
  },
  {
    name: 'NL motorway, speed from a lane-marking calibration',
    clip: 'nl_motorway_overpass.mp4',
    purpose:
      'ground-plane calibration from the lane markings (dashes every 12 m, two 3.5 m lanes between the dashed lines; rows taken as perpendicular to the road): speeds should be motorway speeds',
    camera: `detect: { fps: 10 }
calibration:
  image: [[0.435, 0.307], [0.614, 0.307], [0.653, 0.486], [0.388, 0.486]]
  world: [[0, 12], [7, 12], [7, 0], [0, 0]]
zones:
  - id: near-carriageway
    kind: carriageway
    polygon: [[0.25, 0.35], [0.7, 0.35], [0.95, 1], [0.05, 1]]
    congestion: { hold: 2s }`,
  },
  {
    name: 'NL motorway, wrong-way demo (allowed direction set to "up")',
    clip: 'nl_motorway_overpass.mp4',
    purpose: 'demonstration of wrong_way evidence: every car going down is against the configured direction',
    camera: `detect: { fps: 10 }
zones:
  - id: near-carriageway
    kind: carriageway
    polygon: [[0.25, 0.35], [0.7, 0.35], [0.95, 1], [0.05, 1]]
    direction: [0, -1]`,
  },
];

function fmtIncident(i: Incident): string {
  const end = i.endPtsMs === undefined ? 'open' : `${(i.endPtsMs / 1000).toFixed(1)} s`;
  return `${i.type} (${i.severity}) zone ${i.zoneId ?? '-'}, ${i.cls ?? '-'}, ${(i.startPtsMs / 1000).toFixed(1)} s → ${end}, tracks ${i.trackIds.join(',')}: ${i.detail}`;
}

async function main(): Promise<void> {
  mkdirSync(OUT, { recursive: true });
  const md: string[] = [
    '# Accuracy: tracking and traffic analytics on the media clips',
    '',
    `Generated by \`npx tsx bench/accuracy.ts\` on ${new Date().toISOString()}. Chain: ffmpeg frame reader`,
    '(lossless, as fast as possible) → vision pipeline (detect-fps throttle, motion gate, YOLOX-nano with a',
    '416-wide input fitted to the picture (416x256 for 16:9; tiles 416x416), score ≥ 0.1 so the tracker gets',
    'its low-score boxes) → ByteTrack-style tracker → lines/zones/incidents. Machine: 2 cores (timings noisy).',
    '',
  ];
  const log = (t: string) => process.stderr.write(t);
  const dflt = await defaultSettings(log);
  const speed = await throughput(log);
  const backwards = await reversedClips(log);
  const mirror = await mirroredClips(log);
  const shared = await sharedCamera(log);
  const crops = await cropSpread(log);
  const haze = await hazedClip(log);
  const sun = await lowSunClips(log);
  const sizes = await otherResolutions(log);
  const higher = await higherLines(log);
  const border = await borderLines(log);
  const rates = await lowerRates(log);
  const unsure = await unsureDetector(log);
  const residential = await residentialLines(log);
  const police = await incidentGoals(log);
  const elsewhere = await fallenElsewhere(log);
  md.push(
    ...dflt.md,
    ...shared.md,
    ...crops.md,
    ...higher.md,
    ...border.md,
    ...rates.md,
    ...unsure.md,
    ...residential.md,
    ...backwards.md,
    ...mirror.md,
    ...haze.md,
    ...sun.md,
    ...sizes.md,
    ...speed.md,
    ...police.md,
    ...elsewhere.md,
    '## Incidents and hand-configured cameras',
    '',
  );
  const json: unknown[] = [];
  const evidence: Buffer[] = [];
  const perType = new Map<string, number>();
  for (const c of CASES) {
    const run: ClipRun = await runClip(c.clip, c.camera);
    const counts = run.stage.counts();
    const incidents = run.events.flatMap((e) => (e.type === 'incident_start' ? [e.incident] : []));
    const congestion = run.events.flatMap((e) => (e.type === 'congestion' ? [e] : []));
    md.push(`## ${c.name}`, '', `Clip \`${c.clip}\` — ${c.purpose}.`, '');
    md.push(
      `Frames ${run.frames}, detector runs ${run.inferred}, wall ${(run.wallMs / 1000).toFixed(1)} s.`,
      '',
    );
    if (c.truth) {
      const got = counts[c.truth.line]!;
      md.push('| direction | class | counted | truth | error |', '|---|---|---|---|---|');
      for (const [dir, perCls] of Object.entries(c.truth.counts)) {
        for (const [cls, t] of Object.entries(perCls)) {
          const n = (got[dir] as Record<string, number | undefined>)[cls] ?? 0;
          const err = t === 0 ? (n === 0 ? '0' : `+${n}`) : `${(((n - t) / t) * 100).toFixed(0)} %`;
          md.push(`| ${dir} | ${cls} | ${n} | ${t} | ${err} |`);
        }
      }
      md.push('');
    }
    for (const m of c.more ?? []) {
      const got = counts[m.line]?.down as Record<string, number | undefined> | undefined;
      const parts = Object.entries(m.down).map(([cls, t]) => `${cls} ${got?.[cls] ?? 0} (truth ${t})`);
      md.push(`Line ${m.line}, down: ${parts.join(', ')}.`, '');
    }
    md.push(`Incidents: ${incidents.length === 0 ? 'none' : ''}`);
    for (const i of incidents) md.push(`- ${fmtIncident(i)}`);
    const speeds = run.events
      .flatMap((e) => (e.type === 'track_speed' ? [e.meanKmh] : []))
      .sort((a, b) => a - b);
    if (speeds.length > 0) {
      const med = speeds[Math.floor(speeds.length / 2)]!;
      md.push(
        '',
        `Track speeds (mean per vehicle, km/h): ${speeds.length} vehicles, median ${med.toFixed(0)}, range ${speeds[0]!.toFixed(0)}-${speeds.at(-1)!.toFixed(0)}.`,
      );
      const occ = run.events.flatMap((e) =>
        e.type === 'zone_occupancy' && e.meanSpeedKmh !== undefined ? [e] : [],
      );
      for (const o of occ)
        md.push(`Zone ${o.zoneId} mean speed over the interval: ${o.meanSpeedKmh!.toFixed(0)} km/h.`);
    }
    if (congestion.length > 0) {
      md.push('', 'Congestion level changes:');
      for (const e of congestion) {
        md.push(
          `- zone ${e.zoneId}: ${e.previous} → ${e.level}${e.alert ? ' (alert)' : ''}, occupancy ${e.occupancy?.toFixed(2) ?? '-'}`,
        );
      }
    }
    md.push('');
    for (const e of run.events) {
      if (e.type !== 'incident_start' || !e.evidence) continue;
      // At most three pictures per incident type and clip on the sheet.
      const key = `${c.clip}:${e.incident.type}`;
      const n = perType.get(key) ?? 0;
      if (n >= 3 || evidence.length >= 12) continue;
      perType.set(key, n + 1);
      evidence.push(await renderEvidenceJpeg(e.evidence));
    }
    json.push({
      name: c.name,
      clip: c.clip,
      frames: run.frames,
      inferred: run.inferred,
      wallMs: run.wallMs,
      counts,
      truth: c.truth,
      incidents,
    });
  }
  md.push(
    '## Findings',
    '',
    '- NL motorway: exact (11 down, 0 up) at 5, 10, 15 and 30 detector fps, and through `ioc-edge analyze`',
    '  with config/default.yaml. Needed: the detector passing boxes down to score 0.1 (ByteTrack second',
    '  stage), lost tracks matching low-score boxes with a search window that grows while coasting, and a',
    "  faster velocity noise than ByteTrack's (cars accelerate in the image as they approach).",
    '- Jakarta: on the whole frame letterboxed to 416x234 YOLOX-nano finds about 40 % of the motorcycles',
    '  (head-on motorcycles are ~12 px wide there and come out as a low-score rider "person" or a narrow',
    '  "car": the "whole picture" column above). The regions the gateway chooses around the lines (default',
    '  settings) and the hand-placed tiles of the case above (`detect.tiles: [[0.25, 0.3, 0.65, 1], [0.5,',
    '  0.3, 0.9, 1]]`, test/accuracy/jakarta.test.ts) give the model 2-2.5x the pixels per motorcycle, and',
    '  both classes come within 10 %. What is left is crop noise: in nose-to-tail columns the detector',
    '  gives part boxes (a torso, a bike, two riders in one box), and which it gives changes with the crop',
    '  ("Jakarta at 0.8: the same line through other detection crops"). Two of the cars counted at y = 0.8',
    '  are the two the hand count leaves out because they sit exactly on the line at the last frame.',
    '- Jakarta riders vs pedestrians: far riders, and riders whose motorcycle is hidden behind the car in',
    '  front, come out of YOLOX-nano as a "person" for seconds, moving at jam speed like a walker. A track',
    '  seen both as a person and as a two-wheeler is a rider for good (class = the bike; it matches person',
    '  and bike boxes alike), so no rider crosses the line as a person (before: one, at 16.2 s). A person',
    '  is a pedestrian only once seen whole (not cut by the frame edge) and clear of vehicles (its lower end',
    "  not at or inside a nearer vehicle's box) for 0.5 s, and incidents start only on frames where it is",
    '  detected: the 4 false `pedestrian_in_carriageway` incidents on the carriageway zone (riders at the',
    '  frame bottom at 0.7 s, two riders behind cars in the jam at 10.9 and 14.5 s) are gone, at 5, 10 and',
    '  15 detector fps alike.',
    '- Junction: the pedestrian raises `pedestrian_in_carriageway` on the zebra from 0.7 s to 6.8 s (seen',
    '  in clear view all the way, unchanged by the rider rules); the',
    '  parked car (parking zone) and the waiting cyclist (sidewalk zone; detected as "person") never alarm.',
    '  Without the parking zone a car waiting at the light longer than 10 s in the no_stopping junction',
    '  zone does raise `stopped_vehicle`, as configured.',
    '- Residential: no incident over 75 s with the kerbs marked as parking, while the kerb zones see the',
    '  parked cars all along (test/accuracy/residential.test.ts checks both).',
    '- Wrong-way demo: with the allowed direction set against the real traffic every car in the zone is',
    '  flagged within about 0.5 s of entering it (5 detector frames at 10 fps).',
    '- Speed: with a 4-point calibration read off the NL lane markings (12 m dash period, two 3.5 m lanes),',
    '  per-vehicle speeds (the speed case above: median and range) are Dutch motorway speeds (100 km/h',
    '  limit by day): plausible. Speed is measured from the ground displacement of the box bottom over the last',
    '  second; the Kalman velocity alone read 50-60 km/h (it lags as cars speed up in the image).',
    '- Camera tamper: none of the clips raises it. test/accuracy/tamper.test.ts blacks out / blurs the NL',
    '  clip from 4 to 9 s: `camera_tamper` starts about 3 s later (hold time) and clears 3 s after the view',
    '  is back; "covered" and "moved" are covered by synthetic frame tests.',
    '',
  );
  // The incidents issue's own: the fallen cyclist (appearing lying, riding in) and the car stopping by it.
  evidence.push(...police.evidence);
  if (evidence.length > 0) {
    writeFileSync(join(OUT, 'accuracy-evidence.jpg'), await contactSheet(evidence, 3, 480));
    md.push('## Evidence contact sheet', '', '![evidence](accuracy-evidence.jpg)', '');
  }
  writeFileSync(
    join(OUT, 'accuracy.json'),
    `${JSON.stringify({ defaultSettings: dflt.json, sharedCamera: shared.json, crops: crops.json, higherLines: higher.json, borderLines: border.json, lowerRates: rates.json, unsure: unsure.json, residential: residential.json, incidents: police.json, fallenElsewhere: elsewhere.json, reversed: backwards.json, mirrored: mirror.json, hazed: haze.json, lowSun: sun.json, resolutions: sizes.json, throughput: speed.json, cases: json }, null, 2)}\n`,
  );
  writeFileSync(join(OUT, 'accuracy.md'), `${md.join('\n')}\n`);
  process.stdout.write(md.join('\n'));
}

await main();
process.exit(0);
