import { describe, expect, it } from 'vitest';
import { LineCrossings } from '../../../src/analytics/rules/line-crossings.js';
import type { LineConfig } from '../../../src/config/schema.js';
import { RuleScene, type SceneTrack } from '../../support/rule-scene.js';

const LINE: LineConfig = {
  id: 'l',
  points: [
    [0, 0.5],
    [1, 0.5],
  ],
  directions: ['down', 'up'],
  anchor: 'center',
};

function place(t: SceneTrack, cy: number, by: number): void {
  t.info.cx = 0.5;
  t.info.cy = cy;
  t.info.by = by;
}

describe('LineCrossings', () => {
  it('feeds each line the anchor it asks for, from tracks matched in detector frames', () => {
    const s = new RuleScene();
    const rule = new LineCrossings({ id: 'cam', lines: [LINE, { ...LINE, id: 'b', anchor: 'bottom' }] });
    const bus = s.add(1, 'bus', [0.45, 0.2, 0.55, 0.45]);
    place(bus, 0.3, 0.45);
    s.step(rule, 0);
    // The bottom crosses, the centre does not.
    place(bus, 0.4, 0.55);
    expect(s.step(rule, 100, { inferred: false })).toEqual([]);
    bus.track.matched = false;
    expect(s.step(rule, 200)).toEqual([]);
    bus.track.matched = true;
    expect(s.step(rule, 300)).toMatchObject([
      { type: 'line_crossing', lineId: 'b', direction: 'down', cls: 'bus', trackId: 1, ptsMs: 300 },
    ]);
    place(bus, 0.6, 0.75);
    expect(s.step(rule, 400)).toMatchObject([{ lineId: 'l', direction: 'down' }]);
    expect(rule.lines.map((l) => l.total('down', 'bus'))).toEqual([1, 1]);
  });

  it('forgets a track that ended: a new track in its place is not counted from the old position', () => {
    const s = new RuleScene();
    const rule = new LineCrossings({ id: 'cam', lines: [LINE] });
    const car = s.add(1, 'car', [0.45, 0.2, 0.55, 0.3]);
    place(car, 0.3, 0.35);
    s.step(rule, 0);
    rule.trackEnded(car.track);
    place(car, 0.7, 0.75);
    expect(s.step(rule, 100)).toEqual([]);
  });
});
