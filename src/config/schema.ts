import { z } from 'zod';
import { TRAFFIC_CLASSES, ZONE_KINDS } from '../domain/traffic.js';
import {
  boundedList,
  byteSize,
  cameraUrl,
  duration,
  fraction,
  httpUrl,
  lineSegment,
  logLevel,
  mqttUrl,
  point,
  polygon,
  port,
  slug,
} from './primitives.js';
import { checkSensors } from './sensors-refine.js';
import { mqttBrokerSchema, sensorsSchema } from './sensors-schema.js';

/** Cameras one box runs at most (a 2-core box runs 4-16; larger boxes fewer than this). */
export const MAX_CAMERAS = 64;

/** Duration bounds are written in these units (ms). */
const [S, M, H, D] = [1000, 60_000, 3_600_000, 86_400_000];

const trafficClass = z.enum(TRAFFIC_CLASSES);

const location = z.strictObject({
  lat: z.number().min(-90).max(90),
  lon: z.number().min(-180).max(180),
});

const nodeSchema = z.strictObject({
  id: slug,
  site: slug,
  name: z.string().min(1).optional(),
  location: location.optional(),
});

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
  fps: z.number().positive().max(60).default(5),
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
   * Inference budget per frame: model pixels, as a multiple of the whole picture at the model's input
   * width (416x256 for 16:9; 1 = the whole picture alone). The whole picture takes 1; the regions around
   * the lines and zones get as much resolution as the rest allows (vision/detect-plan.ts).
   */
  budget: z.number().min(1).max(8).default(2.5),
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

const detectorSchema = z.strictObject({
  family: z.enum(['yolox', 'yolov8']).default('yolox'),
  /** Model file, relative to models.dir unless absolute. */
  model: z.string().min(1).default('yolox_nano.onnx'),
  /** JSON array of class names in model order, relative to models.dir unless absolute. */
  labels: z.string().min(1).default('coco-labels.json'),
  executionProviders: boundedList(
    z.enum(['cpu', 'cuda', 'openvino', 'tensorrt', 'dml', 'coreml']),
    6,
    'providers',
  )
    .min(1)
    .default(['cpu']),
  /**
   * ONNX Runtime threads per inference. 1 on a 2-core box: the other core decodes video (ffmpeg) and runs
   * the pipeline; 2 threads fight the decoders and measured slower end to end (bench:detect).
   */
  intraOpThreads: z.number().int().min(1).max(64).default(1),
  /**
   * Feed each camera's picture at its own aspect ratio (e.g. 416x256 for 16:9 instead of the exported
   * 416x416; ~40 % less inference) when the model's graph allows other input sizes (checked at start;
   * otherwise the export size is used and the log says why).
   */
  fitInput: z.boolean().default(true),
  /**
   * Boxes below this score are dropped. Low on purpose: the tracker associates low-score boxes to
   * existing tracks (ByteTrack's second stage) and starts tracks only from confident ones.
   */
  scoreThreshold: fraction.default(0.1),
  classThresholds: z.partialRecord(trafficClass, fraction).default({}),
  nmsIou: fraction.default(0.45),
  /** Boxes smaller or larger than these fractions of the frame area are dropped. */
  minBoxArea: fraction.default(0),
  maxBoxArea: fraction.default(0.5),
});

const spoolSchema = z.strictObject({
  /** SQLite file holding the spool; the gateway's store (store.path) when absent. */
  path: z.string().min(1).optional(),
  maxBytes: byteSize.prefault(2_000_000_000),
  /**
   * Free space the spool leaves on its disk: past it the oldest points are dropped (counted, and a
   * spool_full alert), so the alert outbox in the same store and the rest of the box keep room.
   */
  keepFree: byteSize.prefault('256MB'),
});

const influxSchema = z.strictObject({
  /** Absent: points are kept in the local spool until a server is configured. */
  url: httpUrl.optional(),
  api: z.enum(['v1', 'v2']).default('v1'),
  database: z.string().min(1).optional(),
  retentionPolicy: z.string().min(1).optional(),
  username: z.string().optional(),
  password: z.string().optional(),
  org: z.string().min(1).optional(),
  bucket: z.string().min(1).optional(),
  token: z.string().min(1).optional(),
  precision: z.enum(['ns', 'us', 'ms', 's']).default('ms'),
  gzip: z.boolean().default(true),
  batchSize: z.number().int().min(1).max(100_000).default(5000),
  flushInterval: duration({ min: 10, max: 10 * M }).prefault('1s'),
  timeout: duration({ min: 100, max: 10 * M }).prefault('10s'),
  /** Points per second when catching up a backlog, so live data keeps flowing. */
  replayRate: z.number().int().positive().default(50_000),
  spool: spoolSchema.prefault({}),
});

/** Files for a TLS connection (PEM), resolved against the working directory. */
const tlsFilesSchema = z.strictObject({
  /** CA certificate(s) the server must chain to; replaces the system CAs (pinning). */
  ca: z.string().min(1).optional(),
  /** Client certificate and its key, for mutual TLS. */
  cert: z.string().min(1).optional(),
  key: z.string().min(1).optional(),
  /** Name the server certificate must carry when it differs from the URL host. */
  servername: z.string().min(1).optional(),
});

const topicPrefix = z
  .string()
  .min(1)
  .refine((v) => !/[+#]/.test(v) && !v.startsWith('/') && !v.endsWith('/') && !v.includes('//'), {
    message: 'a topic prefix has no wildcards (+ #), no leading or trailing "/" and no empty level',
  });

const uplinkMqttSchema = z.strictObject({
  url: mqttUrl,
  tls: tlsFilesSchema.optional(),
  username: z.string().optional(),
  password: z.string().optional(),
  /** Stable per box (the broker keeps its session); default ioc-edge-<site>-<node>. */
  clientId: z.string().min(1).optional(),
  /** Topics are <topicPrefix>/alerts, /telemetry, /status, /health, /evidence/<id>, /cmd/<name>. {site} and {node} are filled in. */
  topicPrefix: topicPrefix.default('ioc/{site}/{node}'),
  /** Alerts, evidence and telemetry are deleted from the outbox on PUBACK (1) or PUBCOMP (2). */
  qos: z
    .number()
    .int()
    .min(1, { error: 'expected 1 or 2: alerts need an acknowledgement' })
    .max(2, { error: 'expected 1 or 2: alerts need an acknowledgement' })
    .transform((q) => q as 1 | 2)
    .default(1),
  protocolVersion: z.union([z.literal(4), z.literal(5)]).default(5),
  keepalive: duration({ min: S, max: 65_535 * S }).prefault('30s'),
  /** How long the broker keeps the session (and queued commands) while the box is away (MQTT 5). */
  sessionExpiry: duration({ min: 0, max: 365 * D, notATimer: true }).prefault('7d'),
  /** Messages published and not yet acknowledged at most. */
  inflight: z.number().int().min(1).max(10_000).default(200),
  /** Take remote commands on <prefix>/cmd/<name> (only over an authenticated TLS connection). */
  commands: z.boolean().default(true),
});

const uplinkWebhookSchema = z.strictObject({
  url: httpUrl,
  /** HMAC-SHA256 key: every POST carries X-IOC-Signature over timestamp + body. */
  secret: z.string().min(1).optional(),
  /** Sent as `Authorization: Bearer <token>` when set. */
  token: z.string().min(1).optional(),
  /** CA certificate(s) the receiver must chain to (PEM file); system CAs when absent. */
  ca: z.string().min(1).optional(),
  timeout: duration({ min: 100, max: 10 * M }).prefault('10s'),
});

const uplinkSchema = z.strictObject({
  mqtt: uplinkMqttSchema.optional(),
  webhook: uplinkWebhookSchema.optional(),
  /** How often <prefix>/health is published. */
  heartbeat: duration({ min: S, max: D }).prefault('30s'),
  /** Interval counts, congestion and sensor summaries are published on <prefix>/telemetry this often. */
  telemetry: z.strictObject({ interval: duration({ min: S, max: D }).prefault('60s') }).prefault({}),
});

const alertsSchema = z.strictObject({
  /** A cleared alert ends only after this long without a new raise (a raise within it continues the alert). */
  cooldown: duration({ min: 0, max: D }).prefault('60s'),
  /** Updates of one alert are coalesced: at most one update message per interval. */
  updateInterval: duration({ min: 0, max: H }).prefault('5s'),
  /** A camera not streaming for this long raises camera_down. */
  cameraDownAfter: duration({ min: S, max: D }).prefault('60s'),
  /** The filesystem of dataDir with less free space than this raises disk_low. */
  diskMinFree: byteSize.prefault('1GB'),
  /** Alert outbox bound: past it telemetry, then info alerts, then evidence pictures are dropped. */
  outbox: z.strictObject({ maxBytes: byteSize.prefault('512MB') }).prefault({}),
});

const apiSchema = z.strictObject({
  enabled: z.boolean().default(true),
  host: z.string().default('127.0.0.1'),
  port: port.prefault(8080),
  /**
   * Bearer token for every route but /healthz (also taken from $IOC_EDGE_API_TOKEN). Without one the API
   * listens on 127.0.0.1 only, whatever `host` says.
   */
  token: z.string().min(1).optional(),
  /**
   * Host names the API answers to besides IP addresses, localhost and the machine's own name (requests
   * naming another host are refused: DNS rebinding).
   */
  hostnames: boundedList(
    z.string().regex(/^[a-z0-9.-]+$/i, { error: 'expected a host name' }),
    32,
    'host names',
  ).default([]),
});

const logSchema = z.strictObject({
  level: logLevel.default('info'),
  /** Human-readable logs; default: when stdout is a terminal. */
  pretty: z.boolean().optional(),
});

const configShape = z.strictObject({
  node: nodeSchema,
  log: logSchema.prefault({}),
  /** Snapshots, clips and the store live here unless given their own paths. */
  dataDir: z.string().min(1).default('var'),
  store: z.strictObject({ path: z.string().min(1).optional() }).prefault({}),
  models: z.strictObject({ dir: z.string().min(1).optional() }).prefault({}),
  detector: detectorSchema.prefault({}),
  cameras: boundedList(cameraSchema, MAX_CAMERAS, 'cameras a box').default([]),
  mqtt: z.strictObject({ broker: mqttBrokerSchema.prefault({}) }).prefault({}),
  sensors: sensorsSchema.prefault({}),
  influx: influxSchema.prefault({}),
  uplink: uplinkSchema.prefault({}),
  alerts: alertsSchema.prefault({}),
  api: apiSchema.prefault({}),
});

export const configSchema = configShape
  // Runs even when other parts failed, so one pass lists every problem; the value may then be partial.
  .superRefine((cfg, ctx) => checkCrossReferences(cfg as DeepPartial<typeof cfg>, ctx), { when: () => true });

type DeepPartial<T> = T extends object ? { [K in keyof T]?: DeepPartial<T[K]> } : T;

function checkCrossReferences(cfg: DeepPartial<z.output<typeof configShape>>, ctx: z.RefinementCtx) {
  const cameras = Array.isArray(cfg.cameras) ? cfg.cameras : [];
  uniqueIds(
    cameras.map((c) => c?.id),
    ['cameras'],
    'camera',
    ctx,
  );
  cameras.forEach((cam, i) => {
    checkCameraInputs(cam, ['cameras', i], ctx);
    const lines = Array.isArray(cam?.lines) ? cam.lines : [];
    const zones = Array.isArray(cam?.zones) ? cam.zones : [];
    uniqueIds(
      lines.map((l) => l?.id),
      ['cameras', i, 'lines'],
      'line',
      ctx,
    );
    uniqueIds(
      zones.map((z) => z?.id),
      ['cameras', i, 'zones'],
      'zone',
      ctx,
    );
    lines.forEach((line, j) => {
      const [a, b] = Array.isArray(line?.points) ? line.points : [];
      if (Array.isArray(a) && Array.isArray(b) && a[0] === b[0] && a[1] === b[1]) {
        ctx.addIssue({
          code: 'custom',
          path: ['cameras', i, 'lines', j, 'points'],
          message: 'the two points are the same; a line needs two different points',
        });
      }
      const dirs = line?.directions;
      if (Array.isArray(dirs) && dirs.length === 2 && dirs[0] === dirs[1]) {
        ctx.addIssue({
          code: 'custom',
          path: ['cameras', i, 'lines', j, 'directions'],
          message: 'the two direction names must differ',
        });
      }
    });
  });
  const devices = Array.isArray(cfg.sensors?.devices) ? cfg.sensors.devices : [];
  uniqueIds(
    devices.map((d) => d?.id),
    ['sensors', 'devices'],
    'sensor',
    ctx,
  );
  const up = cfg.uplink?.mqtt;
  if (up?.tls) {
    if (up.tls.cert && !up.tls.key)
      ctx.addIssue({
        code: 'custom',
        path: ['uplink', 'mqtt', 'tls', 'key'],
        message: 'required with tls.cert',
      });
    if (up.tls.key && !up.tls.cert)
      ctx.addIssue({
        code: 'custom',
        path: ['uplink', 'mqtt', 'tls', 'cert'],
        message: 'required with tls.key',
      });
    if (typeof up.url === 'string' && !/^(mqtts|wss):/.test(up.url)) {
      ctx.addIssue({
        code: 'custom',
        path: ['uplink', 'mqtt', 'tls'],
        message: 'TLS settings need an mqtts:// or wss:// url',
      });
    }
  }
  checkSensors(cfg, ctx);
  checkListeners(cfg, ctx);
  const influx = cfg.influx;
  if (influx?.url && influx.api === 'v1' && !influx.database) {
    ctx.addIssue({ code: 'custom', path: ['influx', 'database'], message: 'required when influx.api is v1' });
  }
  if (influx?.url && influx.api === 'v2') {
    for (const key of ['org', 'bucket', 'token'] as const) {
      if (!influx[key]) {
        ctx.addIssue({ code: 'custom', path: ['influx', key], message: 'required when influx.api is v2' });
      }
    }
  }
}

/** A camera has `url` or `inputs` (not both), and its inputs give each role to exactly one input. */
function checkCameraInputs(
  cam: DeepPartial<z.output<typeof cameraSchema>> | undefined,
  path: (string | number)[],
  ctx: z.RefinementCtx,
) {
  if (!cam || typeof cam !== 'object') return;
  const inputs = Array.isArray(cam.inputs) ? cam.inputs : undefined;
  if (cam.url !== undefined && cam.inputs !== undefined) {
    ctx.addIssue({
      code: 'custom',
      path: [...path, 'inputs'],
      message: 'give either url (one stream for everything) or inputs with roles, not both',
    });
    return;
  }
  if (cam.url === undefined && cam.inputs === undefined) {
    ctx.addIssue({
      code: 'custom',
      path: [...path, 'url'],
      message: 'required (string): the camera stream URL, or inputs with roles',
    });
    return;
  }
  if (!inputs) return;
  const holder = new Map<string, number>();
  const urls = new Map<string, number>();
  inputs.forEach((input, k) => {
    for (const role of Array.isArray(input?.roles) ? input.roles : []) {
      if (typeof role !== 'string') continue;
      const first = holder.get(role);
      if (first !== undefined && first !== k) {
        ctx.addIssue({
          code: 'custom',
          path: [...path, 'inputs', k, 'roles'],
          message: `role ${role} is also on input ${first}: each role belongs to one input`,
        });
      } else holder.set(role, k);
    }
    if (typeof input?.url === 'string') {
      const same = urls.get(input.url);
      if (same !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path: [...path, 'inputs', k, 'url'],
          message: `the same URL as input ${same}: give that input both roles instead`,
        });
      } else urls.set(input.url, k);
    }
  });
  if (!holder.has('detect')) {
    ctx.addIssue({
      code: 'custom',
      path: [...path, 'inputs'],
      message: 'no input has the detect role (the stream the camera is watched through)',
    });
  }
  if (cam.clips?.enabled === true && !holder.has('record')) {
    ctx.addIssue({
      code: 'custom',
      path: [...path, 'clips', 'enabled'],
      message: 'clips need an input with the record role (cameras[].inputs)',
    });
  }
}

/**
 * The gateway's own listeners (the API and the embedded broker) each need their port: refused here, with
 * both paths, rather than by EADDRINUSE at start. Port 0 (the kernel picks) never clashes.
 */
function checkListeners(cfg: DeepPartial<z.output<typeof configShape>>, ctx: z.RefinementCtx) {
  const listeners: { path: string[]; host?: string; port?: number }[] = [];
  if (cfg.api?.enabled !== false)
    listeners.push({ path: ['api', 'port'], host: cfg.api?.host, port: cfg.api?.port });
  if (cfg.mqtt?.broker?.embedded !== false)
    listeners.push({
      path: ['mqtt', 'broker', 'port'],
      host: cfg.mqtt?.broker?.host,
      port: cfg.mqtt?.broker?.port,
    });
  const wildcard = (h?: string) => h === undefined || h === '' || h === '0.0.0.0' || h === '::';
  for (let i = 0; i < listeners.length; i++)
    for (let j = 0; j < i; j++) {
      const [a, b] = [listeners[j]!, listeners[i]!];
      if (typeof a.port !== 'number' || a.port === 0 || a.port !== b.port) continue;
      if (a.host !== b.host && !wildcard(a.host) && !wildcard(b.host)) continue;
      ctx.addIssue({
        code: 'custom',
        path: b.path,
        message: `port ${b.port} is also ${a.path.join('.')}: two listeners cannot share a port`,
      });
    }
}

function uniqueIds(
  ids: (string | undefined)[],
  path: (string | number)[],
  what: string,
  ctx: z.RefinementCtx,
) {
  const seen = new Map<string, number>();
  ids.forEach((id, i) => {
    if (typeof id !== 'string') return;
    const first = seen.get(id);
    if (first !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: [...path, i, 'id'],
        message: `duplicate ${what} id "${id}" (also at index ${first})`,
      });
    } else {
      seen.set(id, i);
    }
  });
}

function lengthOf(input: unknown): number {
  return Array.isArray(input) ? input.length : 0;
}

export type ConfigInput = z.input<typeof configSchema>;
export type Config = z.output<typeof configSchema>;
export type CameraConfig = Config['cameras'][number];
export type CameraInputConfig = NonNullable<CameraConfig['inputs']>[number];
export type LineConfig = CameraConfig['lines'][number];
export type ZoneConfig = CameraConfig['zones'][number];
export type DetectorConfig = Config['detector'];
export type InfluxConfig = Config['influx'];
export type UplinkConfig = Config['uplink'];
export type AlertsConfig = Config['alerts'];
export type SensorsConfig = Config['sensors'];
export type SensorDeviceConfig = SensorsConfig['devices'][number];
export type MqttBrokerConfig = Config['mqtt']['broker'];
export type ApiConfig = Config['api'];
