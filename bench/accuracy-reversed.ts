/**
 * The hand-counted clips played backwards (part of `npm run bench:accuracy`): every road user then goes
 * the other way, so traffic that came toward the camera drives away from it, and the hand counts still
 * hold with the directions swapped. A check of lines and directions the counting was not developed on.
 */
import { loadTruth } from '../test/support/ground-truth.js';
import { CLIPS, SKIP } from './accuracy-default.js';
import { countDerived, derivedClip, type Off, offLine } from './accuracy-derived.js';

const SWAP: Record<string, string> = { down: 'up', up: 'down' };

/** `clip` (in MEDIA) played backwards, made once per machine in the temporary directory. */
export function reversed(clip: string): string {
  return derivedClip(clip, 'reverse', 'reversed');
}

export async function reversedClips(log: (s: string) => void): Promise<{ md: string[]; json: unknown }> {
  const md: string[] = [
    '## The same clips played backwards',
    '',
    'Each hand-counted clip reversed (`ffmpeg -vf reverse`, re-encoded at CRF 18, in a temporary directory):',
    'every road user goes the other way, so the hand counts hold with "down" and "up" swapped. NL backwards',
    'is cars driving away from the camera, big near it first, then shrinking. Default settings, the same',
    'full-width lines; cells: ours 10 fps / ours every frame / OpenCV (every frame, same run); **bold** = off',
    'by more than the goal (±1 per class on the motorway clips, ±10 % per class on Jakarta). "off by" = sum',
    'of |ours − truth| over the counted directions and classes.',
    '',
    '| clip | line | direction | class | truth | ours 10 fps | ours every frame | OpenCV |',
    '|---|---|---|---|---|---|---|---|',
  ];
  const off: Off = { '10 fps': 0, 'every frame': 0, OpenCV: 0 };
  const json: unknown[] = [];
  for (const name of CLIPS) {
    const truth = loadTruth(name);
    const lines = truth.lines.filter((l) => !SKIP.has(`${name}:${l.key}`));
    log(`${name} backwards: `);
    const swap = (d: string) => SWAP[d]!;
    json.push(...(await countDerived(name, reversed(truth.clip), lines, swap, md, off, log, name)));
    log('\n');
  }
  md.push('', offLine(off), '');
  return { md, json: { lines: json, off } };
}
