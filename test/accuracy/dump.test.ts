import { writeFileSync } from 'node:fs';
import sharp from 'sharp';
import { it } from 'vitest';
import { runClip } from '../support/run-clip.js';

it('dump', async () => {
  const at = Number(process.env.AT ?? 8) * 1000;
  let done = false;
  const jobs: Promise<unknown>[] = [];
  await runClip(process.env.CLIP ?? 'jakarta_dense_traffic_motorcycles.mp4', 'detect: { fps: 25 }', {
    onResult: (r, st, frame) => {
      if (done || r.ptsMs < at || !frame) return;
      done = true;
      const g = frame.geometry;
      const w = g.contentWidth;
      const h = g.contentHeight;
      const rgb = Buffer.alloc(w * h * 3);
      for (let y = 0; y < h; y++)
        for (let x = 0; x < w; x++) {
          const s = (y * g.width + x) * 3;
          const d = (y * w + x) * 3;
          rgb[d] = frame.data[s + 2]!;
          rgb[d + 1] = frame.data[s + 1]!;
          rgb[d + 2] = frame.data[s]!;
        }
      const W = w * 3;
      const H = h * 3;
      const col: Record<string, string> = {
        car: '#00ff00',
        motorcycle: '#ff00ff',
        person: '#ffff00',
        bus: '#00ffff',
        truck: '#00ffff',
        bicycle: '#ff8800',
      };
      const parts = r.detections.map(
        (d) =>
          `<rect x="${d.x1 * W}" y="${d.y1 * H}" width="${(d.x2 - d.x1) * W}" height="${(d.y2 - d.y1) * H}" fill="none" stroke="${col[d.cls]}" stroke-width="${d.score > 0.45 ? 2 : 1}" stroke-dasharray="${d.score > 0.3 ? '' : '3,3'}"/><text x="${d.x1 * W}" y="${d.y1 * H + 10}" font-size="10" fill="${col[d.cls]}">${d.score.toFixed(2)}</text>`,
      );
      const tr = st.analytics.tracks.map(
        (t) =>
          `<text x="${t.kf.cx * W}" y="${t.kf.cy * H}" font-size="14" fill="white" stroke="black" stroke-width="0.5">#${t.id}${t.cls[0]}</text>`,
      );
      const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}">${parts.join('')}${tr.join('')}</svg>`;
      jobs.push(
        sharp(rgb, { raw: { width: w, height: h, channels: 3 } })
          .resize(W, H)
          .composite([{ input: Buffer.from(svg) }])
          .png()
          .toBuffer()
          .then((b) => writeFileSync(process.env.OUT ?? '/tmp/dump.png', b)),
      );
    },
  });
  await Promise.all(jobs);
}, 120_000);
