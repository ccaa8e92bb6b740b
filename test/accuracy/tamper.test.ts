import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { filteredClip } from '../support/filtered-clip.js';
import { runClip } from '../support/run-clip.js';

const dir = mkdtempSync(join(tmpdir(), 'ioc-tamper-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The NL clip played twice (22 s, 640x360) with `filter` applied between 4 s and 9 s. */
function tampered(name: string, filter: string): string {
  return filteredClip(dir, name, 'nl_motorway_overpass.mp4', `scale=640:360,${filter}`, [
    '-stream_loop',
    '1',
  ]);
}

describe('accuracy: camera tamper on real video', () => {
  it.each([
    ['black', "drawbox=x=0:y=0:w=iw:h=ih:color=black:t=fill:enable='between(t,4,9)'"],
    ['blur', "gblur=sigma=25:enable='between(t,4,9)'"],
  ])(
    'raises camera_tamper while the view is %s (4-9 s) and ends it after',
    async (_name, filter) => {
      const run = await runClip(tampered(_name, filter), 'detect: { fps: 10 }');
      const starts = run.events.flatMap((e) => (e.type === 'incident_start' ? [e.incident] : []));
      const tamper = starts.filter((i) => i.type === 'camera_tamper');
      expect(tamper).toHaveLength(1);
      expect(tamper[0]!.detail).toContain(_name);
      // Raised after the 3 s hold, cleared after 3 s of a good view again.
      expect(tamper[0]!.startPtsMs).toBeGreaterThanOrEqual(6900);
      expect(tamper[0]!.startPtsMs).toBeLessThan(8000);
      expect(tamper[0]!.endPtsMs).toBeGreaterThan(11_900);
      expect(tamper[0]!.endPtsMs).toBeLessThan(13_000);
    },
    120_000,
  );
});
