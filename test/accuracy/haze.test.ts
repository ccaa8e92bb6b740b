import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { filteredClip } from '../support/filtered-clip.js';
import { loadTruth } from '../support/ground-truth.js';
import { runClip } from '../support/run-clip.js';

const dir = mkdtempSync(join(tmpdir(), 'ioc-haze-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The UK rain clip behind haze: grey lifted, contrast cut to 0.6 (its brightness spans about 90 of 255 then, about 150 clear). */
const hazed = () =>
  filteredClip(dir, 'uk-haze', 'uk_motorway_heavy_rain.mp4', 'eq=contrast=0.6:brightness=0.12');

describe('accuracy: counting through haze', () => {
  it('counts the cars going away at 0.65 and 0.8 as in clear air (hand count 20 each, ±2), no tamper', async () => {
    const truth = loadTruth('uk-rain');
    const lines = truth.lines.filter((l) => l.key === 'y065' || l.key === 'y080');
    const yaml = [
      'detect: { fps: 10 }',
      'lines:',
      ...lines.map(
        (l) => `  - { id: ${l.key}, points: ${JSON.stringify(l.points)}, directions: [down, up] }`,
      ),
    ].join('\n');
    const run = await runClip(hazed(), yaml, { decoderFps: true });
    for (const l of lines) {
      const want = Object.values(l.counts.up ?? {}).reduce((a, n) => a + (n ?? 0), 0);
      const got = Object.values(run.stage.counts()[l.key]?.up ?? {}).reduce((a, n) => a + n, 0);
      expect(Math.abs(got - want), `${l.key} up: ${got} of ${want}`).toBeLessThanOrEqual(2);
    }
    const tamper = run.events.filter(
      (e) => e.type === 'incident_start' && e.incident.type === 'camera_tamper',
    );
    expect(tamper).toHaveLength(0);
  }, 120_000);
});
