import { annotate, type Overlay } from '../annotate/annotator.js';
import type { LineConfig, ZoneConfig } from '../config/schema.js';
import type { Detection } from '../domain/traffic.js';
import { detectionsOverlay } from './snapshot.js';

/** What a snapshot shows over the picture: the latest boxes, the counting lines and the zones. */
export interface SnapshotOverlay {
  boxes: readonly Detection[];
  lines: readonly Pick<LineConfig, 'id' | 'points' | 'directions'>[];
  zones: readonly Pick<ZoneConfig, 'id' | 'polygon' | 'kind'>[];
}

/** Zone outlines by what the zone is for. */
const ZONE_COLOURS: Record<string, string> = {
  carriageway: '#2979ff',
  no_stopping: '#ff1744',
  parking: '#00e676',
  sidewalk: '#e040fb',
  generic: '#ffffff',
};
const LINE_COLOUR = '#ffd600';

/**
 * The technician's view of a camera as annotator marks: zones (coloured by kind), counting lines with the
 * name of each direction on the side a vehicle crossing that way ends up, and the latest boxes.
 */
export function snapshotMarks(o: SnapshotOverlay): Overlay {
  return {
    polygons: o.zones.map((z) => ({ points: z.polygon, label: z.id, colour: ZONE_COLOURS[z.kind] })),
    lines: o.lines.map((l) => ({
      a: l.points[0]!,
      b: l.points[1]!,
      label: l.id,
      colour: LINE_COLOUR,
      sides: l.directions,
    })),
    boxes: detectionsOverlay(o.boxes).boxes,
  };
}

/** Draws the overlay onto a JPEG; returns a JPEG (the same one when there is nothing to draw). */
export async function drawOverlay(jpeg: Buffer, o: SnapshotOverlay): Promise<Buffer> {
  if (o.boxes.length === 0 && o.lines.length === 0 && o.zones.length === 0) return jpeg;
  return annotate(jpeg, snapshotMarks(o));
}
