import type { ClipTruth, GotCrossing } from './ground-truth.js';
import { runClip } from './run-clip.js';

/**
 * Every line crossing on a hand-counted clip with its truth lines as one camera's lines (directions named
 * `directions`), as `analyze` runs it (the rate reduced in ffmpeg, or every frame), by "line:direction".
 */
export async function truthCrossings(
  truth: ClipTruth,
  directions: readonly [string, string],
  opts: { fps: number; everyFrame?: boolean },
): Promise<Map<string, GotCrossing[]>> {
  const yaml = [
    `detect: { fps: ${opts.fps} }`,
    'lines:',
    ...truth.lines.map(
      (l) =>
        `  - { id: ${l.key}, points: ${JSON.stringify(l.points)}, directions: [${directions.join(', ')}] }`,
    ),
  ].join('\n');
  const got = new Map<string, GotCrossing[]>();
  await runClip(truth.clip, yaml, {
    decoderFps: true,
    everyFrame: opts.everyFrame,
    onEvent: (e) => {
      if (e.type !== 'line_crossing') return;
      const key = `${e.lineId}:${e.direction}`;
      const list = got.get(key) ?? [];
      list.push({ s: e.ptsMs / 1000, cls: e.cls, track: e.trackId });
      got.set(key, list);
    },
  });
  return got;
}
