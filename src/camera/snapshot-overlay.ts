import { annotate, type Overlay, regionMark } from '../annotate/annotator.js';
import type { LineConfig, ZoneConfig } from '../config/schema.js';
import type { Detection } from '../domain/traffic.js';
import type { TileSpec } from './letterbox.js';
import { detectionsOverlay } from './snapshot.js';

/**
 * What a snapshot shows over the picture: the latest boxes, the counting lines and the zones, and where
 * detection looks closer than the whole picture (the camera's regions or tiles past the first).
 */
export interface SnapshotOverlay {
  boxes: readonly Detection[];
  lines: readonly Pick<LineConfig, 'id' | 'points' | 'directions'>[];
  zones: readonly Pick<ZoneConfig, 'id' | 'polygon' | 'kind'>[];
  regions?: readonly Pick<TileSpec, 'rect' | 'width' | 'height'>[];
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
 * The technician's view of a camera as annotator marks: the detection regions (dashed, with their model
 * input size), zones (coloured by kind), counting lines with the name of each direction on the side a
 * vehicle crossing that way ends up, and the latest boxes.
 */
export function snapshotMarks(o: SnapshotOverlay): Overlay {
  const regions = (o.regions ?? []).map((r) => regionMark(r.rect, `detection ${r.width}x${r.height}`));
  return {
    polygons: [
      ...regions,
      ...o.zones.map((z) => ({ points: z.polygon, label: z.id, colour: ZONE_COLOURS[z.kind] })),
    ],
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
  if (o.boxes.length === 0 && o.lines.length === 0 && o.zones.length === 0 && !o.regions?.length) return jpeg;
  return annotate(jpeg, snapshotMarks(o));
}
