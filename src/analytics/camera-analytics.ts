import type { Frame } from '../camera/frame.js';
import type { CameraConfig } from '../config/schema.js';
import { TRAFFIC_CLASSES, type TrafficClass } from '../domain/traffic.js';
import { ByteTracker, type TrackerOptions } from '../tracking/byte-tracker.js';
import type { Track } from '../tracking/track.js';
import type { DetectionResult } from '../vision/detection.js';
import { pointInPolygon } from '../vision/polygon.js';
import { instantLevel } from './congestion.js';
import type { AnalyticsEvent, CongestionLevel, Incident, IncidentType, Severity } from './events.js';
import { CONGESTION_LEVELS } from './events.js';
import { captureEvidence, type EvidenceSnapshot } from './evidence-snapshot.js';
import { FrameStats } from './frame-stats.js';
import { Homography } from './homography.js';
import { LineCounter } from './line-counter.js';
import { inClearView } from './pedestrian-view.js';
import { DEFAULT_TAMPER, TamperDetector, type TamperOptions } from './tamper.js';
import { isVehicle, TrackInfo } from './track-info.js';
import { ZoneRuntime } from './zone-runtime.js';

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
};

/** Incident start events carry a snapshot of the frame to draw the evidence picture from. */
export type AnalyticsEventWithEvidence = AnalyticsEvent & { evidence?: EvidenceSnapshot };

const N_CLASSES = TRAFFIC_CLASSES.length;

/**
 * Everything one camera's detections turn into: tracks, line counts, zone occupancy and transits,
 * speeds, congestion levels and incidents. Feed every detector result in order (motion-gated ones
 * too) with the frame when available; read the events returned (valid until the next call).
 */
export class CameraAnalytics {
  readonly tracker: ByteTracker;
  readonly lines: LineCounter[];
  readonly zones: ZoneRuntime[];
  readonly opts: CameraAnalyticsOptions;
  readonly homography: Homography | undefined;
  /** Incidents open now, by key. */
  readonly open = new Map<string, Incident>();
  /** Every incident started (kept for reports; bounded by `maxHistory`). */
  readonly history: Incident[] = [];
  maxHistory = 1000;
  private readonly events: AnalyticsEventWithEvidence[] = [];
  private readonly infos = new Map<number, TrackInfo>();
  private readonly infoPool: TrackInfo[] = [];
  private readonly scratch = new Float64Array(2);
  private readonly stats = new FrameStats();
  private readonly tamper: TamperDetector;
  private readonly parkingZones: number[];
  private readonly sidewalkZones: number[];
  private readonly intervalMs: number;
  private intervalStart: number | undefined;
  private incidentSeq = 0;
  private frame: Frame | undefined;
  private pts = 0;
  private time = 0;

  constructor(
    readonly camera: Pick<CameraConfig, 'id' | 'lines' | 'zones' | 'calibration' | 'countInterval'>,
    opts: Partial<CameraAnalyticsOptions> = {},
  ) {
    this.opts = { ...DEFAULT_ANALYTICS_OPTIONS, ...opts };
    this.tracker = new ByteTracker(this.opts.tracker);
    this.lines = camera.lines.map((l) => new LineCounter(camera.id, l));
    this.zones = camera.zones.map((z) => new ZoneRuntime(z));
    this.parkingZones = this.zones.flatMap((z, i) => (z.parking ? [i] : []));
    this.sidewalkZones = camera.zones.flatMap((z, i) => (z.kind === 'sidewalk' ? [i] : []));
    this.homography = camera.calibration
      ? Homography.fromPoints(camera.calibration.image, camera.calibration.world)
      : undefined;
    this.tamper = new TamperDetector(this.opts.tamper);
    this.intervalMs = Math.max(1000, camera.countInterval ?? 60_000);
  }

  /** Live tracks (for overlays). */
  get tracks(): readonly Track[] {
    return this.tracker.tracks;
  }

  /** Feeds one detector result (and its frame, for tamper checks and evidence pictures). */
  process(result: DetectionResult, frame?: Frame): readonly AnalyticsEventWithEvidence[] {
    this.events.length = 0;
    this.frame = frame;
    const pts = result.ptsMs;
    const time = result.wallMs;
    this.pts = pts;
    this.time = time;
    if (frame) this.opts.aspect = frame.geometry.srcWidth / frame.geometry.srcHeight;
    this.tracker.aspect = this.opts.aspect;
    this.rollInterval(time);

    const tracks = this.tracker.update(result);
    for (const t of this.tracker.removed) this.dropTrack(t);
    if (result.inferred) {
      for (const t of tracks) if (t.matched) this.observeTrack(t);
      for (const t of tracks) if (t.matched) this.watchPedestrian(t);
    }
    this.updateZones();
    this.checkIncidents();
    if (frame) {
      this.stats.compute(frame);
      const change = this.tamper.step(this.stats, pts);
      if (change === 'start') {
        const kind = this.tamper.active!;
        this.startIncident(
          'tamper',
          'camera_tamper',
          'critical',
          undefined,
          undefined,
          [],
          `camera tamper: ${kind}`,
        );
      } else if (change === 'end') {
        this.endIncident('tamper');
      }
    }
    this.frame = undefined;
    return this.events;
  }

  /** Closes the current interval (e.g. at the end of a clip) and ends open incidents if `endIncidents`. */
  flush(endIncidents = false): readonly AnalyticsEventWithEvidence[] {
    this.events.length = 0;
    if (this.intervalStart !== undefined) this.emitInterval(this.intervalStart, this.time);
    this.intervalStart = undefined;
    if (endIncidents) for (const key of [...this.open.keys()]) this.endIncident(key);
    return this.events;
  }

  /** Total line crossings since start for one line, direction name and class. */
  total(lineId: string, direction: string, cls: TrafficClass): number {
    return this.lines.find((l) => l.id === lineId)?.total(direction, cls) ?? 0;
  }

  private observeTrack(t: Track): void {
    let info = this.infos.get(t.id);
    if (!info) {
      info = this.infoPool.pop() ?? new TrackInfo();
      info.reset(t, this.zones.length, this.pts);
      this.infos.set(t.id, info);
    }
    info.update(t, this.pts, this.opts.aspect, this.homography, this.scratch);
    const confirmed = t.confirmed;
    for (const line of this.lines) {
      const y = line.anchor === 'bottom' ? info.by : info.cy;
      const ev = line.observe(t.id, info.classOf(t), confirmed, info.cx, y, this.time, this.pts);
      if (ev) this.events.push(ev);
    }
    if (!confirmed) return;
    for (let z = 0; z < this.zones.length; z++) {
      const zone = this.zones[z]!;
      // Boxes touching the bottom edge end exactly at 1, on a polygon edge drawn along the frame border.
      const inside = pointInPolygon(info.bx, Math.min(info.by, 0.999), zone.cfg.polygon);
      if (inside && !info.inZone[z]) {
        info.inZone[z] = 1;
        info.enterPts[z] = this.pts;
        this.events.push({
          type: 'zone_enter',
          cameraId: this.camera.id,
          zoneId: zone.id,
          trackId: t.id,
          cls: info.classOf(t),
          timeMs: this.time,
          ptsMs: this.pts,
        });
      } else if (!inside && info.inZone[z]) {
        this.leaveZone(t, info, z);
      }
      this.checkWrongWay(t, info, z);
    }
  }

  /** Follows how long a matched "person" track has been in clear view (see inClearView). */
  private watchPedestrian(t: Track): void {
    const info = this.infos.get(t.id);
    if (!info) return;
    if (info.classOf(t) !== 'person' || !inClearView(t, this.tracker.tracks, this.isVehicleTrack)) {
      info.clearSincePts = Number.NaN;
    } else if (Number.isNaN(info.clearSincePts)) {
      info.clearSincePts = this.pts;
    }
  }

  private readonly isVehicleTrack = (t: Track): boolean => {
    const info = this.infos.get(t.id);
    return isVehicle(info ? info.classOf(t) : t.cls);
  };

  private leaveZone(t: Track, info: TrackInfo, z: number): void {
    info.inZone[z] = 0;
    info.wrongWay[z] = 0;
    this.events.push({
      type: 'zone_leave',
      cameraId: this.camera.id,
      zoneId: this.zones[z]!.id,
      trackId: t.id,
      cls: info.classOf(t),
      timeMs: this.time,
      ptsMs: this.pts,
      dwellMs: this.pts - info.enterPts[z]!,
    });
  }

  private dropTrack(t: Track): void {
    for (const line of this.lines) line.forget(t.id);
    const info = this.infos.get(t.id);
    if (!info) return;
    for (let z = 0; z < this.zones.length; z++) if (info.inZone[z]) this.leaveZone(t, info, z);
    if (info.speedN > 0 && isVehicle(info.classOf(t))) {
      this.events.push({
        type: 'track_speed',
        cameraId: this.camera.id,
        trackId: t.id,
        cls: info.classOf(t),
        timeMs: this.time,
        meanKmh: info.speedSum / info.speedN,
        maxKmh: info.speedMax,
      });
    }
    this.infos.delete(t.id);
    this.infoPool.push(info);
  }

  private updateZones(): void {
    for (let z = 0; z < this.zones.length; z++) {
      const zone = this.zones[z]!;
      zone.now.fill(0);
      let vehicles = 0;
      let speedSum = 0;
      let speedN = 0;
      let normSum = 0;
      for (const t of this.tracker.tracks) {
        if (!t.confirmed) continue;
        const info = this.infos.get(t.id);
        if (!info?.inZone[z]) continue;
        const cls = info.classOf(t);
        const ci = TRAFFIC_CLASSES.indexOf(cls);
        zone.now[ci] = zone.now[ci]! + 1;
        // Parked vehicles are not traffic: they count in occupancy, not in flow, speed or queues.
        if (!isVehicle(cls) || (!zone.parking && inAnyZone(info.inZone, this.parkingZones))) continue;
        vehicles++;
        normSum += info.normSpeed;
        if (!Number.isNaN(info.speedKmh)) {
          speedSum += info.speedKmh;
          speedN++;
        }
      }
      zone.vehiclesNow = vehicles;
      zone.speedNow = speedN > 0 ? speedSum / speedN : Number.NaN;
      zone.normSpeedNow = vehicles > 0 ? normSum / vehicles : 0;
      zone.accumulate();
      this.stepCongestion(zone);
    }
  }

  private stepCongestion(zone: ZoneRuntime): void {
    const cap = zone.cfg.capacity;
    const occupancy = cap ? zone.vehiclesNow / cap : undefined;
    const speed = Number.isNaN(zone.speedNow) ? undefined : zone.speedNow;
    if (occupancy === undefined && !this.homography) return;
    // Speed-only levels need traffic to judge; an empty road is free.
    const level = instantLevel(zone.thresholds, occupancy, zone.vehiclesNow > 0 ? speed : undefined) ?? 0;
    const prev = zone.congestion.level;
    const changed = zone.congestion.step(level, this.pts);
    if (!changed) return;
    this.events.push({
      type: 'congestion',
      cameraId: this.camera.id,
      zoneId: zone.id,
      level: changed,
      previous: CONGESTION_LEVELS[prev] as CongestionLevel,
      timeMs: this.time,
      occupancy,
      meanSpeedKmh: speed,
      alert: zone.congestion.level >= 2 && zone.congestion.level > prev,
    });
  }

  private checkWrongWay(t: Track, info: TrackInfo, z: number): void {
    const zone = this.zones[z]!;
    const dir = zone.cfg.direction;
    if (!dir || !info.inZone[z] || !isVehicle(info.classOf(t))) return;
    if (info.normSpeed < this.opts.movingNormSpeed) return;
    const dn = Math.hypot(dir[0], dir[1]);
    const vn = Math.hypot(info.vx, info.vy);
    if (dn === 0 || vn === 0) return;
    const cos = (info.vx * dir[0] + info.vy * dir[1]) / (dn * vn);
    if (cos < -0.5) info.wrongWay[z] = info.wrongWay[z]! + 1;
    else if (cos > 0) info.wrongWay[z] = 0;
    if (info.wrongWay[z]! < zone.cfg.wrongWayFrames) return;
    // The key is built only now: this runs per vehicle and zone on every frame. The count may run on while
    // the incident is open; only reaching wrongWayFrames matters, and leaving the zone resets it.
    const key = `wrong:${zone.id}:${t.id}`;
    if (!this.open.has(key)) {
      this.startIncident(
        key,
        'wrong_way',
        'critical',
        z,
        t,
        [t.id],
        `heading against the traffic in zone ${zone.id}`,
      );
    }
  }

  private checkIncidents(): void {
    const pts = this.pts;
    // Stopped vehicles and pedestrians, per track and zone.
    for (const t of this.tracker.tracks) {
      if (!t.confirmed) continue;
      const info = this.infos.get(t.id);
      if (!info) continue;
      const inParking = inAnyZone(info.inZone, this.parkingZones);
      const onSidewalk = inAnyZone(info.inZone, this.sidewalkZones);
      for (let z = 0; z < this.zones.length; z++) {
        if (!info.inZone[z]) continue;
        const zone = this.zones[z]!;
        const kind = zone.cfg.kind;
        if (isVehicle(info.classOf(t)) && !inParking && (kind === 'no_stopping' || kind === 'carriageway')) {
          const still = info.stillMs(pts);
          const key = still >= zone.cfg.stoppedAfter ? `stopped:${zone.id}:${t.id}` : undefined;
          if (key && !this.open.has(key) && !this.inQueue(z, t.id, kind)) {
            this.startIncident(
              key,
              'stopped_vehicle',
              kind === 'carriageway' ? 'high' : 'medium',
              z,
              t,
              [t.id],
              `${info.classOf(t)} stopped ${Math.round(still / 1000)} s in ${kind} zone ${zone.id}`,
            );
          }
        }
        if (
          info.classOf(t) === 'person' &&
          kind === 'carriageway' &&
          !onSidewalk &&
          t.hits >= 3 &&
          t.matched
        ) {
          // In the zone, and seen whole and clear of vehicles, for pedestrianAfterMs.
          const since = Math.max(info.enterPts[z]!, info.clearSincePts);
          const key = pts - since >= this.opts.pedestrianAfterMs ? `ped:${zone.id}:${t.id}` : undefined;
          if (key && !this.open.has(key)) {
            this.startIncident(
              key,
              'pedestrian_in_carriageway',
              'high',
              z,
              t,
              [t.id],
              `pedestrian on carriageway ${zone.id}`,
            );
          }
        }
      }
    }
    // End per-track incidents whose condition is gone.
    for (const [key, inc] of this.open) {
      if (inc.type === 'camera_tamper' || inc.type === 'sudden_queue') continue;
      const tid = inc.trackIds[0]!;
      const info = this.infos.get(tid);
      const z = this.zones.findIndex((zz) => zz.id === inc.zoneId);
      let over = !info || z < 0 || !info.inZone[z];
      // A "pedestrian" whose two-wheeler has since been seen: a rider.
      if (!over && inc.type === 'pedestrian_in_carriageway') over = info!.trackCls !== 'person';
      if (!over && inc.type === 'stopped_vehicle')
        over = info!.stillMs(pts) < this.zones[z]!.cfg.stoppedAfter;
      if (over) this.endIncident(key);
    }
    for (let z = 0; z < this.zones.length; z++) this.checkQueue(z);
  }

  /** In a carriageway, a vehicle waiting among other waiting vehicles is a queue, not a breakdown. */
  private inQueue(z: number, trackId: number, kind: string): boolean {
    if (kind !== 'carriageway') return false;
    const after = this.zones[z]!.cfg.stoppedAfter;
    let waiting = 0;
    for (const [id, info] of this.infos) {
      if (id !== trackId && info.inZone[z] && info.stillMs(this.pts) >= after / 2) waiting++;
    }
    return waiting >= 2;
  }

  private checkQueue(z: number): void {
    const zone = this.zones[z]!;
    if (zone.parking) return;
    if (!zone.sampleQueue(this.pts)) return;
    const key = `queue:${zone.id}`;
    const now = zone.queueAt(0)!;
    const o = this.opts;
    const cap = zone.cfg.capacity;
    const minRise = cap ? Math.max(o.queueMinRise, Math.ceil(0.3 * cap)) : o.queueMinRise;
    if (this.open.has(key)) {
      const base = zone.queueBase!;
      if (now.count <= base.count + minRise / 2 || now.speed >= 0.8 * base.speed) {
        zone.queueBase = undefined;
        this.endIncident(key);
      }
      return;
    }
    // Only with a full window: at start-up every vehicle already there "appears" at once.
    if (zone.qLen <= o.queueWindowS) return;
    const window = o.queueWindowS;
    // The quietest moment in the window: fewest vehicles, and how fast they moved then.
    let base = zone.queueAt(window)!;
    for (let a = window - 1; a >= 2; a--) {
      const s = zone.queueAt(a)!;
      if (s.count < base.count) base = s;
    }
    // An empty road counts as free-flowing.
    if (base.count === 0) base = { count: 0, speed: 2 * o.movingNormSpeed };
    if (
      now.count - base.count >= minRise &&
      base.speed >= o.movingNormSpeed &&
      now.speed < o.queueSpeedDrop * base.speed
    ) {
      zone.queueBase = base;
      const ids = [];
      for (const [id, info] of this.infos) if (info.inZone[z]) ids.push(id);
      this.startIncident(
        key,
        'sudden_queue',
        'high',
        z,
        undefined,
        ids,
        `vehicles in ${zone.id} rose from ${base.count} to ${now.count} while speed fell by ${Math.round((1 - now.speed / base.speed) * 100)} %`,
      );
    }
  }

  private startIncident(
    key: string,
    type: IncidentType,
    severity: Severity,
    z: number | undefined,
    t: Track | undefined,
    trackIds: number[],
    detail: string,
  ): void {
    const zone = z === undefined ? undefined : this.zones[z];
    const incident: Incident = {
      id: `${this.camera.id}-${type}-${Math.round(this.time)}-${++this.incidentSeq}`,
      type,
      cameraId: this.camera.id,
      zoneId: zone?.id,
      cls: t ? (this.infos.get(t.id)?.classOf(t) ?? t.cls) : undefined,
      severity,
      startMs: this.time,
      startPtsMs: this.pts,
      trackIds,
      detail,
    };
    this.open.set(key, incident);
    this.history.push(incident);
    if (this.history.length > this.maxHistory) this.history.shift();
    const evidence = this.frame
      ? captureEvidence(this.frame, incident, this.tracker.tracks, zone?.cfg.polygon)
      : undefined;
    this.events.push({ type: 'incident_start', incident, evidence });
  }

  private endIncident(key: string): void {
    const incident = this.open.get(key);
    if (!incident) return;
    this.open.delete(key);
    incident.endMs = this.time;
    incident.endPtsMs = this.pts;
    this.events.push({ type: 'incident_end', incident });
  }

  private rollInterval(time: number): void {
    if (this.intervalStart === undefined) {
      this.intervalStart = Math.floor(time / this.intervalMs) * this.intervalMs;
      return;
    }
    if (time < this.intervalStart + this.intervalMs) return;
    const end = this.intervalStart + this.intervalMs;
    this.emitInterval(this.intervalStart, end);
    this.intervalStart = Math.floor(time / this.intervalMs) * this.intervalMs;
  }

  private emitInterval(start: number, end: number): void {
    const id = this.camera.id;
    for (const line of this.lines) {
      for (let d = 0; d < 2; d++) {
        for (const cls of line.classes) {
          const k = d * N_CLASSES + TRAFFIC_CLASSES.indexOf(cls);
          this.events.push({
            type: 'count_interval',
            cameraId: id,
            lineId: line.id,
            direction: line.directions[d]!,
            cls,
            count: line.counts[k]!,
            startMs: start,
            endMs: end,
          });
        }
      }
      line.counts.fill(0);
    }
    for (const zone of this.zones) {
      const mean: Partial<Record<TrafficClass, number>> = {};
      const max: Partial<Record<TrafficClass, number>> = {};
      TRAFFIC_CLASSES.forEach((cls, i) => {
        mean[cls] = zone.frames > 0 ? zone.sum[i]! / zone.frames : 0;
        max[cls] = zone.max[i]!;
      });
      this.events.push({
        type: 'zone_occupancy',
        cameraId: id,
        zoneId: zone.id,
        startMs: start,
        endMs: end,
        mean,
        max,
        meanSpeedKmh: zone.speedN > 0 ? zone.speedSum / zone.speedN : undefined,
      });
      zone.resetInterval();
    }
  }
}

/** True when the track is in any of the zones `zones` (indices into `inZone`); a plain loop, called per track per frame. */
function inAnyZone(inZone: Uint8Array, zones: readonly number[]): boolean {
  for (let i = 0; i < zones.length; i++) if (inZone[zones[i]!]) return true;
  return false;
}
