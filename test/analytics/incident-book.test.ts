import { describe, expect, it } from 'vitest';
import type { EvidenceCapture } from '../../src/analytics/incident-book.js';
import { ended, RuleScene, started, T0, zoneConfig } from '../support/rule-scene.js';
import { greyFrame, scene } from '../support/synthetic-frames.js';

describe('IncidentBook', () => {
  it('opens incidents by key with unique ids, keeps a bounded history and ends them with their end time', () => {
    const s = new RuleScene([zoneConfig('road', 'carriageway')], { maxHistory: 2 });
    const book = s.incidents;
    s.step([], 1000);
    const a = book.start(s.ctx, {
      key: 'a',
      type: 'wrong_way',
      severity: 'critical',
      trackIds: [1],
      detail: 'a',
    });
    const b = book.start(s.ctx, {
      key: 'b',
      type: 'stopped_vehicle',
      severity: 'high',
      zone: s.zone('road'),
      cls: 'bus',
      trackIds: [2],
      detail: 'b',
    });
    expect(started(s.ctx.events)).toEqual([a, b]);
    expect(a.id).toBe(`cam-wrong_way-${T0 + 1000}-1`);
    expect(b).toMatchObject({ id: `cam-stopped_vehicle-${T0 + 1000}-2`, zoneId: 'road', cls: 'bus' });
    expect(b).toMatchObject({ startMs: T0 + 1000, startPtsMs: 1000, cameraId: 'cam', severity: 'high' });
    expect(book.isOpen('a') && book.isOpen('b')).toBe(true);

    s.step([], 2000);
    const c = book.start(s.ctx, {
      key: 'c',
      type: 'sudden_queue',
      severity: 'high',
      trackIds: [],
      detail: 'c',
    });
    expect(book.history).toEqual([b, c]);
    book.end(s.ctx, 'a');
    book.end(s.ctx, 'nothing open');
    expect(ended(s.ctx.events)).toEqual([a]);
    expect(a).toMatchObject({ endMs: T0 + 2000, endPtsMs: 2000 });
    expect(book.isOpen('a')).toBe(false);

    s.step([], 3000);
    book.endAll(s.ctx);
    expect(ended(s.ctx.events)).toEqual([b, c]);
    expect(book.open.size).toBe(0);
  });

  it('takes the evidence with its capture hook while the frame is at hand, and only then', () => {
    const calls: unknown[][] = [];
    const capture: EvidenceCapture = (frame, incident, tracks, zone) => {
      calls.push([frame, incident, tracks.length, zone]);
      return { incident, width: 1, height: 1, rgb: Buffer.alloc(3), boxes: [] };
    };
    const s = new RuleScene([zoneConfig('road', 'carriageway')], { capture });
    s.add(1, 'car', [0.1, 0.1, 0.2, 0.2]);
    const frame = greyFrame(scene(0));
    const road = s.zone('road');
    s.step([], 0);
    s.incidents.start(s.ctx, {
      key: 'x',
      type: 'wrong_way',
      severity: 'critical',
      trackIds: [1],
      detail: '',
    });
    expect(s.ctx.events[0]).toMatchObject({ type: 'incident_start', evidence: undefined });
    expect(calls).toEqual([]);
    s.step([], 100, { frame });
    s.ctx.frame = frame; // step() lets go of the frame at the end of the frame, as the driver does
    const inc = s.incidents.start(s.ctx, {
      key: 'y',
      type: 'wrong_way',
      severity: 'critical',
      zone: road,
      trackIds: [1],
      detail: '',
    });
    expect(calls).toEqual([[frame, inc, 1, road.cfg.polygon]]);
    expect(s.ctx.events.at(-1)).toMatchObject({
      type: 'incident_start',
      incident: inc,
      evidence: { width: 1 },
    });
  });
});
