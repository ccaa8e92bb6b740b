import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Incident } from '../../src/analytics/events.js';
import { JUNCTION_ZONES } from '../support/clip-cameras.js';
import { type ClipRun, runClip } from '../support/run-clip.js';

describe('accuracy: junction CCTV with a pedestrian, a parked car and a waiting cyclist', () => {
  let run: ClipRun;
  let incidents: Incident[];

  beforeAll(async () => {
    run = await runClip('intersection_cctv_pedestrians.mp4', `detect: { fps: 10 }\n${JUNCTION_ZONES}`);
    incidents = run.events.flatMap((e) => (e.type === 'incident_start' ? [e.incident] : []));
  }, 120_000);

  it('raises pedestrian_in_carriageway on the zebra while the pedestrian crosses (0-10 s), with evidence', () => {
    const ped = incidents.filter((i) => i.type === 'pedestrian_in_carriageway' && i.zoneId === 'zebra');
    expect(ped.length).toBeGreaterThanOrEqual(1);
    expect(ped[0]!.startPtsMs).toBeLessThan(3000);
    expect(ped[0]!.endPtsMs).toBeLessThan(10_500);
    expect(ped.every((i) => i.startPtsMs < 10_000)).toBe(true);
    const ev = run.events.find((e) => e.type === 'incident_start' && e.incident === ped[0]);
    expect(ev?.type === 'incident_start' && ev.evidence?.boxes.some((b) => b.involved)).toBe(true);
  });

  it('does not alarm for the parked car (parking zone) or the waiting cyclist (sidewalk zone)', () => {
    expect(incidents.filter((i) => i.type === 'stopped_vehicle')).toEqual([]);
    expect(incidents.filter((i) => i.type === 'pedestrian_in_carriageway' && i.startPtsMs > 10_000)).toEqual(
      [],
    );
  });

  it('raises no camera tamper on a healthy camera', () => {
    expect(incidents.filter((i) => i.type === 'camera_tamper')).toEqual([]);
  });
});

describe('evidence files', () => {
  it('writes the incident evidence JPEG under evidenceDir and names it on the incident', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ioc-evidence-'));
    try {
      const run = await runClip(
        'intersection_cctv_pedestrians.mp4',
        `detect: { fps: 5 }
zones:
  - id: zebra
    kind: carriageway
    polygon: [[0.1, 0.3], [0.75, 0.63], [0.58, 0.85], [0.03, 0.45]]`,
        { analytics: {}, evidenceDir: dir, untilSeconds: 6 },
      );
      await run.stage.evidenceWritten();
      const inc = run.events.find((e) => e.type === 'incident_start');
      expect(inc?.type === 'incident_start' && inc.incident.evidencePath).toBeTruthy();
      const path = inc?.type === 'incident_start' ? inc.incident.evidencePath! : '';
      const jpeg = readFileSync(path);
      expect(jpeg.subarray(0, 2)).toEqual(Buffer.from([0xff, 0xd8]));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
