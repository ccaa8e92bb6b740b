import type { Track } from '../tracking/track.js';
import { iou } from '../vision/nms.js';
import type { Box } from './object-scene.js';

/**
 * A track left to the object model whose box overlaps the box it was left out with less than this (IoU)
 * has taken a passing vehicle's detection.
 */
const PASSING_IOU = 0.7;

/**
 * The boxes the tracks left to the object model (road-objects.ts) had when they were first left out: what
 * lies there. A track that stands off it (grown or moved, its centre still at rest) has taken the detection
 * of a vehicle passing by or over what lies there, which hides it as the vehicle's own box would.
 */
export class HandedBoxes {
  private readonly boxes = new Map<number, Box>();

  /** Whether left-out track `t` stands off its box (PASSING_IOU); the first call for a track notes it. */
  passingOver(t: Track): boolean {
    const b = this.boxes.get(t.id);
    if (!b) {
      this.boxes.set(t.id, { x1: t.bx1, y1: t.by1, x2: t.bx2, y2: t.by2 });
      return false;
    }
    return iou(t.bx1, t.by1, t.bx2, t.by2, b.x1, b.y1, b.x2, b.y2) < PASSING_IOU;
  }

  /** Forgets the tracks not in `leftOut` (this frame's left-out tracks, each asked passingOver). */
  keepOnly(leftOut: readonly Track[]): void {
    if (this.boxes.size === leftOut.length) return;
    for (const id of this.boxes.keys()) if (!leftOut.some((t) => t.id === id)) this.boxes.delete(id);
  }
}
