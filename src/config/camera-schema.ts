import { z } from 'zod';
import { TRAFFIC_CLASSES, ZONE_KINDS } from '../domain/traffic.js';
import {
  boundedList,
  byteSize,
  cameraUrl,
  duration,
  fraction,
  lineSegment,
  point,
  polygon,
  slug,
  trafficClass,
} from './primitives.js';

/** Duration bounds are written in these units (ms). */
const [S, M, H, D] = [1000, 60_000, 3_600_000, 86_400_000];

export const lineSchema = z.strictObject({
  id: slug,
  points: lineSegment,
  /** [name when crossing to the right of a->b, name when crossing to the left]. */
  directions: z.tuple([slug, slug]).default(['in', 'out']),
  /** Which point of a box has to cross: box centre or bottom centre (the wheels). */
  anchor: z.enum(['center', 'bottom']).default('center'),
  /** Count only these classes (all traffic classes when absent). */
  classes: boundedList(trafficClass, TRAFFIC_CLASSES.length, 'classes').min(1).optional(),
});

const congestionThresholds = z.strictObject({
  /** Occupancy (vehicles in zone / capacity) at which each level starts. */
  occupancy: z
    .strictObject({
      moderate: fraction.default(0.3),
      heavy: fraction.default(0.6),
      jammed: fraction.default(0.85),
    })
    .prefault({}),
  /** Mean speed (km/h) below which each level starts; used when the camera is calibrated. */
  speedKmh: z
    .strictObject({
      moderate: z.number().positive().default(40),
      heavy: z.number().positive().default(20),
      jammed: z.number().positive().default(8),
    })
    .prefault({}),
  /** A level has to hold this long before it is reported (hysteresis). */
  hold: duration({ min: 0, max: H }).prefault(30),
});

export const zoneSchema = z.strictObject({
  id: slug,
  polygon,
  kind: z.enum(ZONE_KINDS).default('generic'),
  /** Allowed direction of travel as an image-space vector [dx, dy]; tracks heading against it are wrong-way. */
  direction: z.tuple([z.number().min(-1).max(1), z.number().min(-1).max(1)]).optional(),
  /** A vehicle standing still this long in a carriageway or no_stopping zone is a stopped-vehicle incident. */
  stoppedAfter: duration({ min: S, max: H }).prefault(30),
  /** Consecutive detector frames heading against `direction` before a wrong-way incident. */
  wrongWayFrames: z.number().int().min(1).max(1000).default(5),
  /** Number of vehicles that fill the zone; used to turn counts into occupancy. */
  capacity: z.number().int().positive().optional(),
  congestion: congestionThresholds.optional(),
});

const calibrationSchema = z.strictObject({
  /** Four image points (fractions of the frame) on the road surface. */
  image: z.array(point).length(4, { error: (iss) => `expected 4 points, got ${lengthOf(iss.input)}` }),
  /** The same four points on the ground, in metres. */
  world: z
    .array(z.tuple([z.number(), z.number()]))
    .length(4, { error: (iss) => `expected 4 points, got ${lengthOf(iss.input)}` }),
});

const motionSchema = z.strictObject({
  enabled: z.boolean().default(true),
  /** Fraction of pixels that must change for a frame to count as moving. */
  threshold: fraction.default(0.002),
  /** Per-pixel grey-level difference that counts as change (0..255). */
  pixelDelta: z.number().int().min(1).max(255).default(18),
  /** Run detection at least this often even without motion, so stopped vehicles are still seen. */
  forceEvery: duration({ min: 100, max: H }).prefault(5),
});

const tileRect = z
  .tuple([fraction, fraction, fraction, fraction])
  .refine(([x1, , x2]) => x2 > x1, { message: 'tile [x1, y1, x2, y2] needs x2 > x1' })
  .refine(([, y1, , y2]) => y2 > y1, { message: 'tile [x1, y1, x2, y2] needs y2 > y1' })
  .refine(([x1, y1, x2, y2]) => x2 - x1 >= 0.02 && y2 - y1 >= 0.02, {
    message: 'tile is smaller than 2 % of the image on a side',
  });

const detectSchema = z.strictObject({
  enabled: z.boolean().default(true),
  /**
   * Detector frames per second. 10 by default: on dense two-wheeler traffic (Jakarta's hand-counted lines,
   * bench/results/accuracy.md, "Lower detection rates") 5 left motorcycles off by up to 4 of 21-22 where 10
   * is within 2; 5 halves the detector's CPU and is enough for sparse motorway traffic.
   */
  fps: z.number().positive().max(60).default(10),
  motion: motionSchema.prefault({}),
  /** Areas where detections are ignored (timestamps, trees, the sky). */
  ignore: boundedList(polygon, 32, 'ignore areas').default([]),
  /**
   * Expert override of the automatic detection regions: tiles [x1, y1, x2, y2] in fractions of the camera
   * image, each cropped, letterboxed to the model's export size and inferred separately (N tiles = N
   * inferences per frame). Overlap neighbouring tiles by more than the largest object; put the whole image
   * first (snapshots and tamper checks use tile 0). `[[0, 0, 1, 1]]`: the whole picture, no regions.
   * Absent: the gateway chooses regions from the lines and zones (vision/detect-plan.ts).
   */
  tiles: z.array(tileRect).min(1).max(8).optional(),
  /**
   * Resolution of the automatic regions around the lines and zones: model pixels across the picture's
   * width (960: a full-width band on a 16:9 picture is inferred at 960x160), whatever the camera's
   * resolution and however many lines and zones it has, within `budget` (vision/detect-plan.ts). Unset:
   * the regions start at 960 and the gateway sizes them up once, when a line turns out to be where
   * motorcycles are too small to be counted well (pipeline/region-sizing.ts). Set: that size, always.
   */
  regionWidth: z.number().int().min(416).max(3840).optional(),
  /**
   * Most inference per frame: model pixels, as a multiple of the whole picture at the model's input
   * width (416x256 for 16:9; 1 = the whole picture alone). The whole picture takes 1; regions that would
   * cost more at `regionWidth` get a lower resolution (vision/detect-plan.ts).
   */
  budget: z.number().min(1).max(8).default(4),
});

const clipsSchema = z.strictObject({
  enabled: z.boolean().default(false),
  segment: duration({ min: S, max: 60 * S }).prefault(2),
  before: duration({ min: 0, max: 5 * M }).prefault(5),
  after: duration({ min: 0, max: 5 * M }).prefault(5),
  maxBytes: byteSize.prefault(1_000_000_000),
});

export const HWACCELS = ['none', 'auto', 'vaapi', 'cuda', 'qsv', 'drm', 'vdpau'] as const;

/** What a camera input is used for: `detect` is decoded for detection, `record` only copied (clips, stills). */
export const INPUT_ROLES = ['detect', 'record'] as const;

const cameraInputSchema = z.strictObject({
  url: cameraUrl,
  roles: z
    .array(z.enum(INPUT_ROLES))
    .min(1)
    .refine((r) => new Set(r).size === r.length, { message: 'a role is listed twice' }),
  /** Default: the camera's transport. */
  transport: z.enum(['tcp', 'udp']).optional(),
  /** Default: the camera's hwaccel (used only where the input is decoded: the detect role). */
  hwaccel: z.enum(HWACCELS).optional(),
});

export const cameraSchema = z.strictObject({
  id: slug,
  name: z.string().min(1).optional(),
  enabled: z.boolean().default(true),
  /** The camera's one stream, used for everything (detection, clips, snapshots). Or give `inputs`. */
  url: cameraUrl.optional(),
  /**
   * Streams with roles, as IP cameras offer them: a low-resolution substream decoded for detection
   * (`detect`) and the main stream only copied for clips and full-resolution snapshots (`record`).
   * Each role on exactly one input; `detect` is required, `record` is required for clips.
   */
  inputs: z.array(cameraInputSchema).min(1).max(2).optional(),
  transport: z.enum(['tcp', 'udp']).default('tcp'),
  /** For file:// sources: start again at the end (demos), or end the stream. */
  loop: z.boolean().default(true),
  /** For file:// sources: read at the clip's own rate like a live camera (false: as fast as possible). */
  realtime: z.boolean().default(true),
  hwaccel: z.enum(HWACCELS).default('none'),
  /** No frame for this long means the stream has stalled. */
  stallTimeout: duration({ min: S, max: 10 * M }).prefault(10),
  detect: detectSchema.prefault({}),
  clips: clipsSchema.prefault({}),
  lines: boundedList(lineSchema, 32, 'lines a camera').default([]),
  zones: boundedList(zoneSchema, 32, 'zones a camera').default([]),
  calibration: calibrationSchema.optional(),
  /** Line counts and zone occupancy are aggregated over intervals of this length. */
  countInterval: duration({ min: S, max: D }).prefault(60),
});

function lengthOf(input: unknown): number {
  return Array.isArray(input) ? input.length : 0;
}
