import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { CountInterval, LineCrossing } from '../../src/analytics/events.js';
import { parseConfigText } from '../../src/config/load.js';
import { analyzeFile } from '../../src/pipeline/analyze.js';
import { NL_CLIP, REPO, testConfig } from '../support/vision.js';

describe('analyze on the clip timeline', () => {
  it("closes count intervals at the same clip positions however fast it runs, and stamps events with the clip's time", async () => {
    testConfig();
    const cfg = parseConfigText(
      [
        'node: { id: t, site: t }',
        `models: { dir: ${JSON.stringify(join(REPO, 'models'))} }`,
        'cameras:',
        '  - id: clip',
        `    url: ${JSON.stringify(pathToFileURL(NL_CLIP).href)}`,
        '    detect: { fps: 10 }',
        '    countInterval: 1s',
        '    lines: [{ id: mid, points: [[0, 0.5], [1, 0.5]], directions: [down, up] }]',
      ].join('\n'),
      join(REPO, 'test-config.yaml'),
      { cwd: REPO, env: {} },
    );
    const intervals: CountInterval[] = [];
    const crossings: LineCrossing[] = [];
    const r = await analyzeFile(cfg, NL_CLIP, {
      onEvent: (e) => {
        if (e.type === 'count_interval' && e.direction === 'down' && e.cls === 'car') intervals.push(e);
        if (e.type === 'line_crossing') crossings.push(e);
      },
    });
    // 11.2 s of clip: eleven whole seconds and the last 0.2 s, however many wall seconds the run took.
    const t0 = intervals[0]!.startMs;
    expect(t0 % 1000).toBe(0);
    expect(intervals.map((i) => i.startMs - t0)).toEqual([...Array(12).keys()].map((k) => k * 1000));
    expect(intervals.slice(0, 11).every((i) => i.endMs - i.startMs === 1000)).toBe(true);
    // Crossings carry the clip's time; the intervals hold the whole count.
    expect(crossings.length).toBe(11);
    for (const c of crossings) expect(c.timeMs).toBe(t0 + c.ptsMs);
    expect(intervals.reduce((n, i) => n + i.count, 0)).toBe(r.counts.mid!.down!.car);
  });
});
