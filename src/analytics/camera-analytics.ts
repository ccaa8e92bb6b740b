import type { Frame } from '../camera/frame.js';
import type { CameraConfig } from '../config/schema.js';
import type { TrafficClass } from '../domain/traffic.js';
import { ByteTracker } from '../tracking/byte-tracker.js';
import type { Track } from '../tracking/track.js';
import type { TrackerOptions } from '../tracking/tracker-options.js';
import type { DetectionResult } from '../vision/detection.js';
import type { Incident } from './events.js';
import { type AnalyticsEventWithEvidence, FrameContext, type FrameRule } from './frame-context.js';
import { Homography } from './homography.js';
import { IncidentBook } from './incident-book.js';
import type { LineCounter } from './line-counter.js';
import { TwoWheelerSizes } from './line-sizes.js';
import { CameraTamper } from './rules/camera-tamper.js';
import { CongestionLevels } from './rules/congestion-levels.js';
import { CountIntervals } from './rules/count-intervals.js';
import { LineCrossings } from './rules/line-crossings.js';
import { PedestriansOnCarriageway } from './rules/pedestrians.js';
import { DEFAULT_ROAD_OBSTACLES, type RoadObstacleOptions, RoadObstacles } from './rules/road-obstacles.js';
import { StoppedVehicles } from './rules/stopped-vehicles.js';
import { SuddenQueues } from './rules/sudden-queues.js';
import { TrackSpeeds } from './rules/track-speeds.js';
import { WrongWay } from './rules/wrong-way.js';
import { ZoneCounts } from './rules/zone-counts.js';
import { ZoneTransits } from './rules/zone-transits.js';
import { DEFAULT_TAMPER, type TamperOptions } from './tamper.js';
import { TrackInfo } from './track-info.js';
import { updateWithTraffic } from './with-traffic.js';
import { ZoneRuntime } from './zone-runtime.js';

export type { AnalyticsEventWithEvidence } from './frame-context.js';

export interface CameraAnalyticsOptions {
  /** Camera image width / height; taken from the frames when they are given. */
  aspect: number;
  tracker: Partial<TrackerOptions>;
  tamper: TamperOptions;
  /** A person must be in a carriageway zone this long before it is an incident, ms. */
  pedestrianAfterMs: number;
  /** Sudden queue: look-back window (s, at most 30) and minimum rise in vehicles. */
  queueWindowS: number;
  queueMinRise: number;
  /** Sudden queue: speed now below this fraction of the speed before. */
  queueSpeedDrop: number;
  /** Below this speed (box heights/s) a track is not moving, for wrong-way and queues. */
  movingNormSpeed: number;
  /** Fallen road users and obstacles on the carriageway: how long each sign must hold. */
  roadObstacles: RoadObstacleOptions;
}

export const DEFAULT_ANALYTICS_OPTIONS: CameraAnalyticsOptions = {
  aspect: 16 / 9,
  tracker: {},
  tamper: DEFAULT_TAMPER,
  pedestrianAfterMs: 500,
  queueWindowS: 10,
  queueMinRise: 3,
  queueSpeedDrop: 0.5,
  movingNormSpeed: 0.3,
  roadObstacles: DEFAULT_ROAD_OBSTACLES,
};

/**
 * Everything one camera's detections turn into: tracks, line counts, zone occupancy and transits,
 * speeds, congestion levels and incidents. Feed every detector result in order (motion-gated ones
 * too) with the frame when available; read the events returned (valid until the next call).
 *
 * The driver: it owns the tracker and each track's derived state (TrackInfo), and runs the rules
 * (src/analytics/rules/) over every frame in a fixed order, each reading what the earlier ones found.
 */
export class CameraAnalytics {
  readonly tracker: ByteTracker;
  readonly lines: LineCounter[];
  readonly zones: ZoneRuntime[];
  readonly opts: CameraAnalyticsOptions;
  readonly homography: Homography | undefined;
  readonly incidents: IncidentBook;
  /** How tall two-wheelers are at each row: what a counting line's position gives them (line-sizes.ts). */
  readonly twoWheelers = new TwoWheelerSizes();
  private readonly ctx: FrameContext;
  private readonly infos = new Map<number, TrackInfo>();
  private readonly infoPool: TrackInfo[] = [];
  private readonly scratch = new Float64Array(2);
  private readonly intervals: CountIntervals;
  private readonly crossings: LineCrossings;
  private readonly transits = new ZoneTransits();
  private readonly speeds = new TrackSpeeds();
  /** The rules after the count-interval roll, in the order they run. */
  private readonly rules: FrameRule[];

  constructor(
    readonly camera: Pick<CameraConfig, 'id' | 'lines' | 'zones' | 'calibration' | 'countInterval'>,
    opts: Partial<CameraAnalyticsOptions> = {},
  ) {
    const o = { ...DEFAULT_ANALYTICS_OPTIONS, ...opts };
    this.opts = o;
    this.tracker = new ByteTracker(o.tracker);
    this.zones = camera.zones.map((z) => new ZoneRuntime(z));
    this.homography = camera.calibration
      ? Homography.fromPoints(camera.calibration.image, camera.calibration.world)
      : undefined;
    this.incidents = new IncidentBook({ cameraId: camera.id });
    this.ctx = new FrameContext(camera.id, this.zones, this.infos, this.incidents);
    this.crossings = new LineCrossings(camera, (y2) => this.twoWheelers.heightAtRow(y2));
    this.lines = this.crossings.lines;
    const crossings = this.crossings;
    this.intervals = new CountIntervals(
      this.lines,
      this.zones,
      camera.countInterval ?? 60_000,
      (ctx, madeBefore) => crossings.settle(ctx, madeBefore),
    );
    // Zone membership (transits) comes before what reads it; ZoneCounts before congestion and queues.
    this.rules = [
      this.crossings,
      this.transits,
      new WrongWay(this.zones, o.movingNormSpeed),
      new ZoneCounts(),
      new CongestionLevels(this.zones, this.homography !== undefined),
      new StoppedVehicles(),
      new PedestriansOnCarriageway(o.pedestrianAfterMs),
      new RoadObstacles(this.zones, o.roadObstacles),
      new SuddenQueues(this.zones, o),
      new CameraTamper(o.tamper),
    ];
  }

  /** Live tracks (for overlays). */
  get tracks(): readonly Track[] {
    return this.tracker.tracks;
  }

  /** Incidents open now, by key. */
  get open(): Map<string, Incident> {
    return this.incidents.open;
  }

  /** Every incident started (kept for reports; bounded by `maxHistory`). */
  get history(): Incident[] {
    return this.incidents.history;
  }

  get maxHistory(): number {
    return this.incidents.maxHistory;
  }

  set maxHistory(n: number) {
    this.incidents.maxHistory = n;
  }

  /** Feeds one detector result (and its frame, for tamper checks and evidence pictures). */
  process(result: DetectionResult, frame?: Frame): readonly AnalyticsEventWithEvidence[] {
    const ctx = this.ctx;
    ctx.begin(result.ptsMs, result.wallMs, result.inferred, frame);
    if (frame) this.opts.aspect = frame.geometry.srcWidth / frame.geometry.srcHeight;
    this.tracker.aspect = this.opts.aspect;
    ctx.aspect = this.opts.aspect;
    // The interval closes before this frame's crossings are counted into the next.
    this.intervals.update(this.tracker.tracks, ctx);

    if (result.inferred) this.twoWheelers.add(result.detections);
    const tracks = this.tracker.update(result);
    for (const t of this.tracker.removed) this.dropTrack(t);
    if (result.inferred) for (const t of tracks) if (t.matched) this.observeTrack(t);
    ctx.bind(tracks);
    if (result.inferred) updateWithTraffic(tracks, ctx.infoAt, this.opts.aspect);
    for (const rule of this.rules) rule.update(tracks, ctx);
    ctx.finish();
    return ctx.events;
  }

  /**
   * Closes the current interval (e.g. at the end of a clip); with `endIncidents` the stream has ended: open
   * incidents end, and a crossing made on the last frames, which no later frame can confirm, is counted as
   * for a track that ended (LineCounter.forget) before the interval closes.
   */
  flush(endIncidents = false): readonly AnalyticsEventWithEvidence[] {
    const ctx = this.ctx;
    ctx.events.length = 0;
    if (endIncidents) for (const t of this.tracker.tracks) this.crossings.trackEnded(t, ctx, true);
    this.intervals.flush(ctx);
    if (endIncidents) this.incidents.endAll(ctx);
    return ctx.events;
  }

  /** Total line crossings since start for one line, direction name and class. */
  total(lineId: string, direction: string, cls: TrafficClass): number {
    return this.lines.find((l) => l.id === lineId)?.total(direction, cls) ?? 0;
  }

  /** Refreshes the derived state of a track matched in this frame (creating it on its first match). */
  private observeTrack(t: Track): void {
    let info = this.infos.get(t.id);
    if (!info) {
      info = this.infoPool.pop() ?? new TrackInfo();
      info.reset(t, this.zones.length, this.ctx.pts);
      this.infos.set(t.id, info);
    }
    info.update(t, this.ctx.pts, this.opts.aspect, this.homography, this.scratch);
  }

  /** A track the tracker gave up: the rules that follow tracks close their books on it. */
  private dropTrack(t: Track): void {
    this.crossings.trackEnded(t, this.ctx);
    const info = this.infos.get(t.id);
    if (!info) return;
    this.transits.trackEnded(t, info, this.ctx);
    this.speeds.trackEnded(t, info, this.ctx);
    this.infos.delete(t.id);
    this.infoPool.push(info);
  }
}
