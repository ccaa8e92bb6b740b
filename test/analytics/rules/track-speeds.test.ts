import { describe, expect, it } from 'vitest';
import { TrackSpeeds } from '../../../src/analytics/rules/track-speeds.js';
import { RuleScene, T0 } from '../../support/rule-scene.js';

describe('TrackSpeeds', () => {
  it("reports a vehicle's mean and top speed when its track ends; nothing for people or unmeasured tracks", () => {
    const s = new RuleScene();
    const car = s.add(1, 'car', [0.1, 0.1, 0.2, 0.2]);
    Object.assign(car.info, { speedSum: 150, speedN: 3, speedMax: 60 });
    const person = s.add(2, 'person', [0.3, 0.1, 0.32, 0.2]);
    Object.assign(person.info, { speedSum: 15, speedN: 3, speedMax: 6 });
    const unmeasured = s.add(3, 'bus', [0.5, 0.1, 0.7, 0.3]);
    s.step([], 4000);
    const rule = new TrackSpeeds();
    for (const t of [car, person, unmeasured]) rule.trackEnded(t.track, t.info, s.ctx);
    expect(s.ctx.events).toEqual([
      {
        type: 'track_speed',
        cameraId: 'cam',
        trackId: 1,
        cls: 'car',
        timeMs: T0 + 4000,
        meanKmh: 50,
        maxKmh: 60,
      },
    ]);
  });
});
