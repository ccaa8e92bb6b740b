/**
 * The hand-counted clips played backwards (part of `npm run bench:accuracy`): every road user then goes
 * the other way, so traffic that came toward the camera drives away from it, and the hand counts still
 * hold with the directions swapped. A check of lines and directions the counting was not developed on.
 */
import { CLIPS } from './accuracy-default.js';
import { derivedClip, derivedTable } from './accuracy-derived.js';

const SWAP: Record<string, string> = { down: 'up', up: 'down' };

/** `clip` (in MEDIA) played backwards, made once per machine in the temporary directory. */
export function reversed(clip: string): string {
  return derivedClip(clip, 'reverse', 'reversed');
}

export function reversedClips(log: (s: string) => void): Promise<{ md: string[]; json: unknown }> {
  const intro = [
    '## The same clips played backwards',
    '',
    'Each hand-counted clip reversed (`ffmpeg -vf reverse`, re-encoded at CRF 18, in a temporary directory):',
    'every road user goes the other way, so the hand counts hold with "down" and "up" swapped. NL backwards',
    'is cars driving away from the camera, big near it first, then shrinking. Default settings, the same',
    'full-width lines; cells: ours 10 fps / ours every frame / OpenCV (every frame, same run); **bold** = off',
    'by more than the goal (±1 per class on the motorway clips, ±10 % per class on Jakarta). "off by" = sum',
    'of |ours − truth| over the counted directions and classes.',
  ];
  const swap = (d: string) => SWAP[d]!;
  return derivedTable(
    intro,
    CLIPS.map((name) => ({ name, path: reversed, label: name, swap })),
    log,
  );
}
