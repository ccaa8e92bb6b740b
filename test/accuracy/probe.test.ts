import { it } from 'vitest';
import { runClip } from '../support/run-clip.js';

it('probe', async () => {
  const r = await runClip(
    process.env.CLIP ?? 'nl_motorway_overpass.mp4',
    process.env.CAM ?? `detect: { fps: ${process.env.FPS ?? 10} }\nlines:\n  - id: main\n    points: [[0, 0.5], [1, 0.5]]\n    directions: [down, up]\n`,
  );
  console.log(JSON.stringify(r.stage.counts()), r.frames, r.inferred, Math.round(r.wallMs));
  for (const e of r.events) if (e.type === 'line_crossing') console.log(e.ptsMs, e.cls, e.direction, e.trackId);
  for (const i of r.stage.incidents()) console.log(JSON.stringify(i));
}, 120_000);
