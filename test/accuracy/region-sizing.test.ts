import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { analyzeFile } from '../../src/pipeline/analyze.js';
import type { PipelineEvent } from '../../src/pipeline/events.js';
import { loadTruth } from '../support/ground-truth.js';
import { MEDIA, testConfig } from '../support/vision.js';

/**
 * A technician draws a line high in the picture of dense motorcycle traffic, where motorcycles are ~28
 * model pixels tall in the default regions: `ioc-edge analyze` (the live gateway alike) finds it from
 * their boxes and sizes the regions up (pipeline/region-sizing.ts), then counts the clip from its start.
 * Truth: every rider hand-counted at 0.7 (22, test/accuracy/jakarta-ground-truth.md) rides down through
 * 0.6 first, within the clip but for the first half second's; the default regions counted 14-15.
 */
function config(detect: string) {
  return testConfig(
    [
      'cameras:',
      '  - id: clip',
      `    url: ${JSON.stringify(pathToFileURL(join(MEDIA, 'x.mp4')).href)}`,
      `    detect: { fps: 10${detect} }`,
      '    lines: [{ id: high, points: [[0, 0.6], [1, 0.6]], directions: [down, up] }]',
    ].join('\n'),
  );
}

describe('automatic region sizing on a line where motorcycles are small (Jakarta, line at 0.6)', () => {
  const clip = join(MEDIA, loadTruth('jakarta').clip);

  it('grows the regions once, counts the clip from its start with them, and passes on only those events', async () => {
    const events: PipelineEvent[] = [];
    const layouts: string[][] = [];
    const auto = await analyzeFile(config(''), clip, {
      onEvent: (e) => events.push(e),
      onLayout: (layout) => layouts.push(layout.explain),
    });
    // Planned twice: at the default size, then re-sized, which the explanation says.
    expect(layouts).toHaveLength(2);
    expect(auto.detection.explain.join(' ')).toMatch(
      /regions re-sized to \d+ model px .* motorcycles at high \d+ px/,
    );
    const size = auto.lineSizes[0]!;
    expect(size.status).toBe('ok');
    expect(size.modelPx!).toBeGreaterThanOrEqual(34);
    const motorcycles = auto.counts.high!.down!.motorcycle!;
    expect(motorcycles).toBeGreaterThanOrEqual(20);
    expect(motorcycles).toBeLessThanOrEqual(24);
    // The events are those of the counted run alone: one crossing event per count.
    const crossings = events.filter(
      (e) => e.type === 'line_crossing' && e.direction === 'down' && e.cls === 'motorcycle',
    );
    expect(crossings).toHaveLength(motorcycles);

    // Set by hand, the size stays: no re-size, and the small motorcycles are missed.
    const fixed = await analyzeFile(config(', regionWidth: 960'), clip);
    expect(fixed.detection.explain.join(' ')).not.toMatch(/re-sized/);
    expect(fixed.lineSizes[0]!.status).toBe('small');
    expect(fixed.counts.high!.down!.motorcycle!).toBeLessThanOrEqual(motorcycles - 5);
  }, 180_000);
});
