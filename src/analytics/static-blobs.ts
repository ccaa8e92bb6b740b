/** A group of neighbouring static cells: where a new object lies still. */
export interface StaticBlob {
  /** Bounding box, fractions of the camera image. */
  x1: number;
  y1: number;
  x2: number;
  y2: number;
  /** Cells in it, and since when its most recently static cell has been static (stream ms). */
  cells: number;
  since: number;
  /** Since when its first static cell has been static (stream ms): when it appeared. */
  first: number;
}

/**
 * Groups of neighbouring cells static for at least `forMs` at stream time `pts`, with at least `minCells`
 * cells (allocates the result), in a `cols` x `rows` grid of since when each cell has been static (NaN: it
 * is not); `label` and `queue` are scratch of the grid's size.
 */
export function staticBlobs(
  cols: number,
  rows: number,
  staticSince: Float64Array,
  label: Int32Array,
  queue: Int32Array,
  pts: number,
  forMs: number,
  minCells: number,
): StaticBlob[] {
  const out: StaticBlob[] = [];
  label.fill(0);
  let next = 0;
  for (let start = 0; start < staticSince.length; start++) {
    if (label[start] || !(pts - staticSince[start]! >= forMs)) continue;
    next++;
    let head = 0;
    let tail = 0;
    queue[tail++] = start;
    label[start] = next;
    let c1 = cols;
    let r1 = rows;
    let c2 = -1;
    let r2 = -1;
    let since = Number.NEGATIVE_INFINITY;
    let first = Number.POSITIVE_INFINITY;
    while (head < tail) {
      const i = queue[head++]!;
      const r = Math.floor(i / cols);
      const c = i - r * cols;
      if (c < c1) c1 = c;
      if (c > c2) c2 = c;
      if (r < r1) r1 = r;
      if (r > r2) r2 = r;
      if (staticSince[i]! > since) since = staticSince[i]!;
      if (staticSince[i]! < first) first = staticSince[i]!;
      for (let k = 0; k < 4; k++) {
        const nc = c + (k === 0 ? 1 : k === 1 ? -1 : 0);
        const nr = r + (k === 2 ? 1 : k === 3 ? -1 : 0);
        if (nc < 0 || nr < 0 || nc >= cols || nr >= rows) continue;
        const j = nr * cols + nc;
        if (label[j] || !(pts - staticSince[j]! >= forMs)) continue;
        label[j] = next;
        queue[tail++] = j;
      }
    }
    // Cut by the image border: a vehicle coming in or going out of view (a bus the detector does not know
    // stopping at the corner), not an object lying on the road.
    const edge = Math.max(1, Math.round(EDGE * cols));
    const edgeR = Math.max(1, Math.round(EDGE * rows));
    if (tail < minCells || c1 < edge || r1 < edgeR || c2 >= cols - edge || r2 >= rows - edgeR) continue;
    out.push({
      x1: c1 / cols,
      y1: r1 / rows,
      x2: (c2 + 1) / cols,
      y2: (r2 + 1) / rows,
      cells: tail,
      since,
      first,
    });
  }
  return mergeNear(out);
}

/** Blobs this close to the image border (fraction of its side) are cut by it. */
const EDGE = 0.04;

/** Blobs this close (fractions of the frame) are parts of one object (a person beside a bicycle). */
const MERGE_GAP = 0.03;

function mergeNear(blobs: StaticBlob[]): StaticBlob[] {
  for (let merged = true; merged; ) {
    merged = false;
    for (let i = 0; i < blobs.length && !merged; i++) {
      for (let j = i + 1; j < blobs.length && !merged; j++) {
        const a = blobs[i]!;
        const b = blobs[j]!;
        if (
          a.x1 - MERGE_GAP < b.x2 &&
          b.x1 - MERGE_GAP < a.x2 &&
          a.y1 - MERGE_GAP < b.y2 &&
          b.y1 - MERGE_GAP < a.y2
        ) {
          blobs[i] = {
            x1: Math.min(a.x1, b.x1),
            y1: Math.min(a.y1, b.y1),
            x2: Math.max(a.x2, b.x2),
            y2: Math.max(a.y2, b.y2),
            cells: a.cells + b.cells,
            since: Math.max(a.since, b.since),
            first: Math.min(a.first, b.first),
          };
          blobs.splice(j, 1);
          merged = true;
        }
      }
    }
  }
  return blobs;
}
