import type { TileRect } from '../camera/letterbox.js';

/** Model input sides are multiples of the detection heads' largest stride. */
const STRIDE = 32;
/**
 * Half-height of the band around a counting line, as a fraction of the frame height measured across the
 * line: vehicles must be seen whole for a few detector frames on both sides of it.
 */
export const BAND_HALF = 0.15;
/** The band also reaches this far past the line's ends (fraction of the frame width). */
const BAND_ENDS = 0.02;
/** Zones are detected with this margin around their bounding box (fraction of each side of the frame). */
const ZONE_MARGIN = 0.03;
/** Two regions are detected as one when their bounding box is at most this much larger than the two. */
const MERGE_SLACK = 1.25;
/** Regions covering this much of the frame are the whole frame. */
const WHOLE_FRACTION = 0.7;
/** Regions are worth it only if they give this many times the whole frame's model pixels per camera pixel. */
const MIN_GAIN = 1.2;
/**
 * Zones join the lines' regions only if that leaves the lines at least 1 / LINES_FIRST of the scale they
 * get alone: a carriageway zone merged with a line at 0.6 of the Jakarta picture spread the budget over
 * twice the area, its motorcycles went from 37 to 25 model px tall, and the line counted 16 where it
 * counted 23 without the zone.
 */
const LINES_FIRST = 1.1;
/** Upscaling beyond this (model pixels per camera pixel) adds nothing the camera did not see. */
const MAX_SCALE = 2;
/**
 * Model pixels across the picture the automatic regions start at while detect.regionWidth is unset (the
 * gateway may size them up for small motorcycles: pipeline/region-sizing.ts).
 */
export const START_REGION_WIDTH = 960;

export interface PlanInput {
  srcWidth: number;
  srcHeight: number;
  lines: readonly { id: string; points: readonly (readonly [number, number])[] }[];
  zones: readonly { id: string; polygon: readonly (readonly [number, number])[] }[];
  /** Model input width the whole picture gets (the model's export width). */
  baseWidth: number;
  /**
   * Model pixels across the picture's width the regions are sized to (a full-width band on a 16:9 picture:
   * 960x160 at 960), whatever the number of lines and zones: what a motorcycle gets depends on its share of
   * the picture only. Less when `budget` does not allow it.
   */
  regionWidth: number;
  /** Most model pixels inferred per frame, as a multiple of the whole picture at `baseWidth`. */
  budget: number;
}

/** One region detected on every frame: a crop of the camera image and the model input it is scaled into. */
export interface PlannedRegion {
  rect: TileRect;
  inputWidth: number;
  inputHeight: number;
  /** The lines and zones it serves. */
  serves: string[];
}

/**
 * Where and at what scale a camera's detector runs. Tile 0 is always the whole picture at `baseWidth`,
 * inferred on every frame (large vehicles, context, snapshots, evidence pictures, the tamper check); each
 * region is inferred at `scale` model pixels per camera pixel while the camera's region gate wants it
 * (region-gate.ts: while small road users are around).
 */
export interface DetectPlan {
  whole: { inputWidth: number; inputHeight: number; inferred: boolean };
  regions: PlannedRegion[];
  /** Model pixels per camera pixel in the regions (the whole picture's when there are none). */
  scale: number;
  /** The whole picture's at `baseWidth`. */
  baseScale: number;
  /** Model pixels inferred per frame, and that as a multiple of the whole picture at `baseWidth`. */
  pixels: number;
  cost: number;
  /** One line per decision, for logs and `analyze --explain`. */
  explain: string[];
}

interface Box {
  x1: number;
  y1: number;
  x2: number;
  y2: number;
  serves: string[];
}

const up32 = (v: number) => Math.max(STRIDE, Math.ceil(v / STRIDE) * STRIDE);
const round32 = (v: number) => Math.max(STRIDE, Math.round(v / STRIDE) * STRIDE);
const area = (b: Box) => (b.x2 - b.x1) * (b.y2 - b.y1);
const coverage = (bs: readonly Box[]) => bs.reduce((a, b) => a + area(b), 0);
const clamp01 = (v: number) => (v < 0 ? 0 : v > 1 ? 1 : v);

/**
 * Computes, from a camera's lines, zones and frame size alone, the regions detection needs and their
 * scale: a band around each counting line (vehicles seen whole for a few frames on both sides of it) and
 * each zone's bounding box, overlapping ones merged, all at one scale so a motorcycle gets as many model
 * pixels wherever it is: `regionWidth` across the picture, less if the budget left after the whole picture
 * does not allow that. Lines come first: zones that would cover most of the picture with them, or take
 * their scale down by more than LINES_FIRST, get regions of their own at what the budget leaves, or the
 * whole picture. When the regions would gain too little over the whole picture (they cover most of the
 * frame, or the budget is small), the whole picture alone is detected.
 */
export function planDetection(input: PlanInput): DetectPlan {
  const { srcWidth: W, srcHeight: H, baseWidth } = input;
  const wholeH = up32((baseWidth * H) / W);
  const basePixels = baseWidth * wholeH;
  const baseScale = Math.min(baseWidth / W, wholeH / H);
  const wholeOnly = (why: string): DetectPlan => ({
    whole: { inputWidth: baseWidth, inputHeight: wholeH, inferred: true },
    regions: [],
    scale: baseScale,
    baseScale,
    pixels: basePixels,
    cost: 1,
    explain: [why, `whole picture ${baseWidth}x${wholeH} (${fmt(baseScale)} model px per camera px)`],
  });
  const bands = input.lines.map((l) => lineBand(l.points, W, H, l.id));
  const zones = input.zones.map((z) => zoneBox(z.polygon, z.id));
  if (bands.length + zones.length === 0) return wholeOnly('no lines or zones: the whole picture');
  const budgetPixels = (input.budget - 1) * basePixels;
  // regionWidth across the picture, less if the budget left after the whole picture does not allow it.
  const scaleFor = (boxes: readonly Box[]) =>
    Math.min(MAX_SCALE, input.regionWidth / W, Math.sqrt(budgetPixels / (coverage(boxes) * W * H)));
  const all = mergeBoxes([...bands, ...zones]);
  // Counts are what small road users are missed from first: the lines keep their regions' scale, and
  // zones that would take it from them are left to the whole picture, or to what the budget leaves.
  const lineBoxes = bands.length > 0 && zones.length > 0 ? mergeBoxes(bands) : undefined;
  let zonesOut: string | undefined;
  if (lineBoxes && coverage(lineBoxes) < WHOLE_FRACTION) {
    if (coverage(all) >= WHOLE_FRACTION) {
      zonesOut = `zones and lines would cover ${pct(coverage(all))} of the frame`;
    } else if (scaleFor(lineBoxes) > LINES_FIRST * scaleFor(all)) {
      zonesOut = `with the zones the regions would get ${fmt(scaleFor(all))} model px per camera px within the budget, the lines alone ${fmt(scaleFor(lineBoxes))}`;
    }
  }
  const merged = zonesOut ? lineBoxes! : all;
  const covered = coverage(merged);
  if (covered >= WHOLE_FRACTION) {
    return wholeOnly(`lines and zones cover ${pct(covered)} of the frame: the whole picture`);
  }
  const regions = fitBudget(merged, scaleFor(merged), budgetPixels, W, H);
  const effective = scaleOf(regions, W, H);
  if (effective < baseScale * MIN_GAIN) {
    return wholeOnly(
      `regions for ${merged.flatMap((b) => b.serves).join(', ')} would get ${fmt(effective)} model px per camera px within the budget (${input.budget} x the whole picture), not enough over the whole picture's ${fmt(baseScale)}: the whole picture`,
    );
  }
  // The zones left out get regions of their own with what the budget leaves, if that gains enough.
  let zoneRegions: PlannedRegion[] = [];
  let zonesWhere = 'the whole picture serves the zones';
  if (zonesOut) {
    const left = budgetPixels - total(regions);
    const boxes = mergeBoxes(zones);
    const cov = coverage(boxes);
    if (left > 0 && cov < WHOLE_FRACTION) {
      const fitted = fitBudget(boxes, Math.min(effective, Math.sqrt(left / (cov * W * H))), left, W, H);
      const zs = scaleOf(fitted, W, H);
      if (zs >= baseScale * MIN_GAIN && total(fitted) <= left) {
        zoneRegions = fitted;
        zonesWhere = `the zones get regions of their own at ${fmt(zs)} with what the budget leaves`;
      }
    }
  }
  const planned = [...regions, ...zoneRegions];
  const pixels = basePixels + total(planned);
  const around = zonesOut ? 'lines' : 'lines and zones';
  return {
    whole: { inputWidth: baseWidth, inputHeight: wholeH, inferred: true },
    regions: planned,
    scale: effective,
    baseScale,
    pixels,
    cost: pixels / basePixels,
    explain: [
      ...(zonesOut ? [`${zonesOut}: ${zonesWhere}`] : []),
      `the whole picture ${baseWidth}x${wholeH} (${fmt(baseScale)} model px per camera px) on every frame; around the ${around} (${pct(covered)} of the frame) regions at ${fmt(effective)} (${fmt(effective / baseScale)}x) while small road users are around, ${fmt(pixels / basePixels)}x the whole picture's cost then (budget ${input.budget}; regions sized to ${input.regionWidth} model px across the picture)`,
      ...planned.map(
        (r) =>
          `region [${r.rect.map((v) => fmt(v)).join(', ')}] → ${r.inputWidth}x${r.inputHeight} for ${r.serves.join(', ')}`,
      ),
    ],
  };
}

/** `boxes` sized at `scale`, shrunk until within `budgetPixels` (rounding to the stride can overshoot). */
function fitBudget(
  boxes: readonly Box[],
  scale: number,
  budgetPixels: number,
  W: number,
  H: number,
): PlannedRegion[] {
  let s = scale;
  let regions = sized(boxes, s, W, H);
  for (let i = 0; i < 20 && total(regions) > budgetPixels; i++) {
    s *= 0.97;
    regions = sized(boxes, s, W, H);
  }
  return regions;
}

/** The least model pixels per camera pixel any of the regions gets (either axis). */
function scaleOf(regions: readonly PlannedRegion[], W: number, H: number): number {
  return Math.min(
    ...regions.map((r) =>
      Math.min(r.inputWidth / ((r.rect[2] - r.rect[0]) * W), r.inputHeight / ((r.rect[3] - r.rect[1]) * H)),
    ),
  );
}

/** The band around a line: BAND_HALF of the frame height across it, BAND_ENDS past its ends; bounding box. */
function lineBand(points: readonly (readonly [number, number])[], W: number, H: number, id: string): Box {
  const [a, b] = points as [readonly [number, number], readonly [number, number]];
  // In camera pixels, so the band is as thick across a slanted line as across a level one.
  const ax = a[0] * W;
  const ay = a[1] * H;
  const bx = b[0] * W;
  const by = b[1] * H;
  const len = Math.hypot(bx - ax, by - ay) || 1;
  const ux = (bx - ax) / len;
  const uy = (by - ay) / len;
  const half = BAND_HALF * H;
  const ends = BAND_ENDS * W;
  const xs: number[] = [];
  const ys: number[] = [];
  for (const [px, py, s] of [
    [ax, ay, -1],
    [bx, by, 1],
  ] as const) {
    for (const side of [-1, 1]) {
      xs.push(px + s * ends * ux - side * half * uy);
      ys.push(py + s * ends * uy + side * half * ux);
    }
  }
  return {
    x1: clamp01(Math.min(...xs) / W),
    y1: clamp01(Math.min(...ys) / H),
    x2: clamp01(Math.max(...xs) / W),
    y2: clamp01(Math.max(...ys) / H),
    serves: [`line ${id}`],
  };
}

function zoneBox(polygon: readonly (readonly [number, number])[], id: string): Box {
  const xs = polygon.map((p) => p[0]);
  const ys = polygon.map((p) => p[1]);
  return {
    x1: clamp01(Math.min(...xs) - ZONE_MARGIN),
    y1: clamp01(Math.min(...ys) - ZONE_MARGIN),
    x2: clamp01(Math.max(...xs) + ZONE_MARGIN),
    y2: clamp01(Math.max(...ys) + ZONE_MARGIN),
    serves: [`zone ${id}`],
  };
}

/** Merges boxes whose common bounding box is not much larger than they are together, until none is. */
function mergeBoxes(input: readonly Box[]): Box[] {
  const boxes = input.map((b) => ({ ...b, serves: [...b.serves] }));
  for (let changed = true; changed; ) {
    changed = false;
    for (let i = 0; i < boxes.length && !changed; i++) {
      for (let j = i + 1; j < boxes.length && !changed; j++) {
        const a = boxes[i]!;
        const b = boxes[j]!;
        const u: Box = {
          x1: Math.min(a.x1, b.x1),
          y1: Math.min(a.y1, b.y1),
          x2: Math.max(a.x2, b.x2),
          y2: Math.max(a.y2, b.y2),
          serves: [...a.serves, ...b.serves],
        };
        const iw = Math.min(a.x2, b.x2) - Math.max(a.x1, b.x1);
        const ih = Math.min(a.y2, b.y2) - Math.max(a.y1, b.y1);
        const overlap = iw > 0 && ih > 0 ? iw * ih : 0;
        if (area(u) <= MERGE_SLACK * (area(a) + area(b) - overlap)) {
          boxes.splice(j, 1);
          boxes[i] = u;
          changed = true;
        }
      }
    }
  }
  return boxes;
}

/** Model input sizes of the boxes at `scale` (multiples of the stride). */
function sized(boxes: readonly Box[], scale: number, W: number, H: number): PlannedRegion[] {
  return boxes.map((b) => ({
    rect: [b.x1, b.y1, b.x2, b.y2] as TileRect,
    inputWidth: round32((b.x2 - b.x1) * W * scale),
    inputHeight: round32((b.y2 - b.y1) * H * scale),
    serves: b.serves,
  }));
}

const total = (rs: readonly PlannedRegion[]) => rs.reduce((a, r) => a + r.inputWidth * r.inputHeight, 0);
const fmt = (v: number) => (Math.round(v * 100) / 100).toString();
const pct = (v: number) => `${Math.round(v * 100)} %`;
