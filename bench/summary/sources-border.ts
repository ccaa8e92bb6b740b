// Lines near the bottom of the picture (bench/accuracy-border.ts): a hand count gets a goal, a derived one not.
import { at, num, type Row } from './rows.js';

const MODES = ['10 fps', 'every frame'];

export function borderLines(d: unknown): Row[] {
  return (Array.isArray(d) ? d : []).map((l) => {
    const truth = (at(l, 'truth') ?? {}) as Record<string, number>;
    const hand = at(l, 'hand') === true;
    let worst = '';
    let worstOff = -1;
    for (const m of MODES) {
      for (const [cls, want] of Object.entries(truth)) {
        const got = num(l, 'ours', m, 'down', cls) ?? 0;
        if (Math.abs(got - want) > worstOff) {
          worstOff = Math.abs(got - want);
          worst = `${cls} ${got} of ${want} (${m})`;
        }
      }
    }
    const cells = MODES.map((m) =>
      Object.keys(truth)
        .map((cls) => num(l, 'ours', m, 'down', cls) ?? 0)
        .join(' + '),
    ).join(' / ');
    const clip = String(at(l, 'clip')).replace(/\.mp4$/, '');
    return {
      area: 'Accuracy',
      figure: `${clip}, full-width line at ${at(l, 'y')} near the bottom: worst class (${Object.keys(truth).join(' + ')}: ${cells} at 10 fps / every frame)`,
      value: worstOff === 0 ? 'all exact' : worst,
      goal: hand ? 'each class ±1' : 'none (a derived count, not a hand count)',
      verdict: hand ? (worstOff <= 1 ? 'pass' : 'miss') : 'info',
      peer: `OpenCV ${Object.keys(truth)
        .map((cls) => `${cls} ${num(l, 'opencv', 'down', cls) ?? 0}`)
        .join(', ')}`,
    };
  });
}
