import { mkdirSync, writeFileSync } from 'node:fs';
import { it } from 'vitest';
import { renderEvidenceJpeg } from '../../src/analytics/evidence.js';
import { runClip } from '../support/run-clip.js';

const f = (n: number) => n.toFixed(3);
it('probe', async () => {
  const [a, b] = (process.env.WIN ?? '2.5,3.6').split(',').map(Number);
  const r = await runClip(
    process.env.CLIP ?? 'nl_motorway_overpass.mp4',
    process.env.CAM ??
      `detect: { fps: ${process.env.FPS ?? 10} }\nlines:\n  - id: main\n    points: [[0, 0.5], [1, 0.5]]\n    directions: [down, up]\n`,
    {
      analytics: { tracker: JSON.parse(process.env.TRK ?? '{}') },
      onResult: (res, st) => {
        if (res.ptsMs < a! * 1000 || res.ptsMs > b! * 1000) return;
        const dets = res.detections
          .filter((d) => d.y2 > 0.25)
          .map(
            (d) =>
              `${d.cls}:${f(d.score)}@${f((d.x1 + d.x2) / 2)},${f((d.y1 + d.y2) / 2)} h${f(d.y2 - d.y1)}_a${f(((d.x2 - d.x1) * Number(process.env.ASPECT ?? 1.78)) / (d.y2 - d.y1))}`,
          );
        const tr = st.analytics.tracks
          .filter((t) => t.kf.cy > 0.25)
          .map(
            (t) =>
              `#${t.id}${t.state[0]}${t.matched ? '*' : ''}:${t.cls}@${f(t.kf.cx)},${f(t.kf.cy)} v${f(t.kf.vy)}`,
          );
        console.log(
          `${Math.round(res.ptsMs)} ${res.inferred ? 'I' : '-'} D[${dets.join(' ')}] T[${tr.join(' ')}]`,
        );
      },
    },
  );
  console.log(JSON.stringify(r.stage.counts()), r.frames, r.inferred, Math.round(r.wallMs));
  for (const e of r.events)
    if (e.type === 'line_crossing') console.log(e.ptsMs, e.cls, e.direction, e.trackId);
  for (const i of r.stage.incidents()) console.log(JSON.stringify(i));
  mkdirSync('/tmp/ev', { recursive: true });
  for (const e of r.events) {
    if (e.type === 'incident_start' && e.evidence) {
      writeFileSync(`/tmp/ev/${e.incident.id}.jpg`, await renderEvidenceJpeg(e.evidence));
      console.log(
        'evidence',
        e.incident.id,
        e.evidence.boxes
          .filter((b) => b.involved)
          .map((b) => [b.x1, b.y1, b.x2, b.y2].map((v) => v.toFixed(2)).join(',')),
      );
    }
  }
}, 120_000);
