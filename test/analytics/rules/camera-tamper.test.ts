import { describe, expect, it } from 'vitest';
import { CameraTamper } from '../../../src/analytics/rules/camera-tamper.js';
import { ended, RuleScene, started } from '../../support/rule-scene.js';
import { greyFrame, scene } from '../../support/synthetic-frames.js';

describe('CameraTamper', () => {
  const normal = greyFrame(scene(0));
  const black = greyFrame(() => 3);

  it('opens one critical camera_tamper incident while the view is black and closes it once it is back', () => {
    const s = new RuleScene();
    const rule = new CameraTamper();
    const events = s.run(rule, 0, 20_000, 100, {
      frame: (pts) => (pts >= 5000 && pts < 12_000 ? black : normal),
    });
    expect(started(events)).toMatchObject([
      {
        type: 'camera_tamper',
        severity: 'critical',
        detail: 'camera tamper: black',
        trackIds: [],
        startPtsMs: 8000,
      },
    ]);
    expect(ended(events)).toMatchObject([{ type: 'camera_tamper', endPtsMs: 14_900 }]);
    // With the evidence picture of the black frame.
    const start = events.find((e) => e.type === 'incident_start');
    expect(start?.evidence?.rgb.every((v) => v === 3)).toBe(true);
  });

  it('skips results without a frame', () => {
    const s = new RuleScene();
    const rule = new CameraTamper();
    expect(s.run(rule, 0, 20_000, 100)).toEqual([]);
    expect(rule.detector.active).toBeUndefined();
  });
});
