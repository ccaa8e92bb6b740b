import { describe, expect, it } from 'vitest';
import { TrackIncidents } from '../../../src/analytics/rules/track-incidents.js';
import { ended, RuleScene } from '../../support/rule-scene.js';

describe('TrackIncidents', () => {
  it('knows the open incidents by zone and track, ends those that are over in the order they opened', () => {
    const s = new RuleScene();
    s.step([], 0);
    const open = new TrackIncidents();
    const start = (key: string, zone: number, track: number) => {
      const inc = s.incidents.start(s.ctx, {
        key,
        type: 'wrong_way',
        severity: 'critical',
        trackIds: [track],
        detail: '',
      });
      open.add(inc, key, zone, track);
      return inc;
    };
    const a = start('a', 0, 1);
    const b = start('b', 1, 1);
    const c = start('c', 0, 2);
    expect([open.has(0, 1), open.has(1, 1), open.has(0, 2), open.has(1, 2)]).toEqual([
      true,
      true,
      true,
      false,
    ]);
    s.step([], 100);
    open.sweep(s.ctx, (zone) => zone === 0);
    expect(ended(s.ctx.events)).toEqual([a, c]);
    expect([...s.incidents.open.values()]).toEqual([b]);
    expect([open.has(0, 1), open.has(1, 1), open.has(0, 2)]).toEqual([false, true, false]);
  });

  it('takes an incident ended elsewhere (a flush) for closed, and never ends it twice', () => {
    const s = new RuleScene();
    s.step([], 0);
    const open = new TrackIncidents();
    const inc = s.incidents.start(s.ctx, {
      key: 'k',
      type: 'wrong_way',
      severity: 'critical',
      trackIds: [1],
      detail: '',
    });
    open.add(inc, 'k', 0, 1);
    s.incidents.endAll(s.ctx);
    expect(open.has(0, 1)).toBe(false);
    s.step([], 100);
    let asked = 0;
    open.sweep(s.ctx, () => {
      asked++;
      return true;
    });
    expect([asked, s.ctx.events.length]).toEqual([0, 0]);
  });
});
