/**
 * The hand-counted clips mirrored left to right (part of `npm run bench:accuracy`): each carriageway on
 * the other side of the picture, vehicles entering and leaving by the other edge, the hand counts the same
 * (lines are full width, directions up and down). A check of sides of the picture the counting was not
 * developed on.
 */
import { CLIPS } from './accuracy-default.js';
import { derivedClip, derivedTable } from './accuracy-derived.js';

/** `clip` (in MEDIA) mirrored, made once per machine in the temporary directory. */
export function mirrored(clip: string): string {
  return derivedClip(clip, 'hflip', 'mirrored');
}

export function mirroredClips(log: (s: string) => void): Promise<{ md: string[]; json: unknown }> {
  const intro = [
    '## The same clips mirrored left to right',
    '',
    'Each hand-counted clip mirrored (`ffmpeg -vf hflip`, re-encoded at CRF 18, in a temporary directory):',
    'the carriageways change sides and road users enter and leave by the other edge; the hand counts hold as',
    'they are. Default settings, the same full-width lines; cells: ours 10 fps / ours every frame / OpenCV',
    '(every frame, same run); **bold** = off by more than the goal. "off by" = sum of |ours − truth| over the',
    'counted directions and classes.',
  ];
  return derivedTable(
    intro,
    CLIPS.map((name) => ({ name, path: mirrored, label: name })),
    log,
  );
}
