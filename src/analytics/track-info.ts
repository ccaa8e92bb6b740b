import type { TrafficClass } from '../domain/traffic.js';
import type { Track } from '../tracking/track.js';
import type { Homography } from './homography.js';

/** Vehicle classes: what counts for stopped-vehicle, wrong-way, congestion and speed. */
export function isVehicle(cls: string): boolean {
  return cls === 'car' || cls === 'truck' || cls === 'bus' || cls === 'motorcycle';
}

/** Centre movement (in box heights) below which a track is considered standing still. */
const REST_RADIUS = 0.35;
/** A track still this long (ms) has come to rest: its peakScore is what it scored while moving. */
const PEAK_REST_MS = 1000;
/** Smoothing of the speed estimate per update (exponential moving average weight). */
const SPEED_ALPHA = 0.3;
/** Ground positions kept per track for speed, and the span they are measured over. */
const GROUND_SAMPLES = 16;
const SPEED_WINDOW_MS = 1000;
const MIN_SPEED_SPAN_MS = 300;
/** Smoothing of the scale-free speed used to tell riders from pedestrians. */
const NORM_ALPHA = 0.2;
/**
 * A "person" moving faster than this (box heights per second, smoothed) is riding something: walking
 * is about 0.8 (1.4 m/s for a 1.7 m person), a jog about 1.5; a rider in slow city traffic is 2 and more.
 */
export const RIDER_NORM_SPEED = 1.8;
/**
 * A "person" box this wide per tall (in pixels, smoothed) is someone seated — a rider whose motorcycle the
 * detector does not see (hidden behind the vehicle in front, or too small) — when it moves with traffic
 * (SEATED_MIN_SPEED box heights per second): a walking person's box is about 0.35-0.45, a seated rider's
 * 0.6-0.75.
 */
export const SEATED_ASPECT = 0.62;
const SEATED_MIN_SPEED = 0.5;
/**
 * A "person" that kept pace with the moving traffic around it (with-traffic.ts) on this many frames, and on
 * at least half the frames with moving traffic around it, is a rider whose motorcycle the detector misses.
 */
const WITH_TRAFFIC_FRAMES = 5;
const ASPECT_ALPHA = 0.3;

/** Per-track derived state the analytics share: anchors, motion, stillness, speed, zone membership. */
export class TrackInfo {
  /** The tracker's class as of the latest update (a rider's is its two-wheeler for good). */
  trackCls: TrafficClass = 'car';
  /** Box centre and bottom centre, fractions (filtered box). */
  cx = 0;
  cy = 0;
  bx = 0;
  by = 0;
  /** Frames on which a "person" track moved with the traffic around it (with-traffic.ts) ... */
  withTraffic = 0;
  /** ... of the frames with moving traffic around it. */
  amidTraffic = 0;
  /** Smoothed box width / height in pixels of a "person" track (seated riders are wider). */
  personAspect = 0;
  /**
   * Smoothed box width / height in pixels over the updates on which the track moved as a person or a
   * two-wheeler (0: it has not): the shape it walked or rode in with.
   */
  movingAspect = 0;
  /** Speed in box heights per second (scale-free: a far car and a near car moving alike look alike). */
  normSpeed = 0;
  /** Smoothed normSpeed. */
  avgNormSpeed = 0;
  updates = 0;
  /** Image velocity, fractions per second, corrected for aspect (x in units of the frame height). */
  vx = 0;
  vy = 0;
  restX = 0;
  restY = 0;
  /** Box centre where the track was first seen, fractions. */
  firstX = 0;
  firstY = 0;
  restSincePts = 0;
  /**
   * Best detection score of the track while it moved (until PEAK_REST_MS after it last came to rest); 0
   * for a track that has not moved.
   */
  peakScore = 0;
  private moved = false;
  /**
   * Whether the place the track stands at (where it was first seen, or last came to rest) showed the road
   * empty a moment before it was there (1: it appeared there, not drove there; 2: and the object model has
   * taken it over), or not (0); -1 until judged (road_obstacle's object model, StaticObjects.appearedShare).
   */
  appearedAtRest = -1;

  /** Whether the track has moved (its centre left where it came to rest) since it was first seen. */
  get hasMoved(): boolean {
    return this.moved;
  }

  /** Stream time since which a "person" track has been seen in clear view without a break; NaN when not. */
  clearSincePts = Number.NaN;
  /** Smoothed ground speed, km/h; NaN without calibration or before the first estimate. */
  speedKmh = Number.NaN;
  speedSum = 0;
  speedN = 0;
  speedMax = 0;
  /** Ring of (pts, ground x, ground y) of recent detections, for speed. */
  private readonly ground = new Float64Array(GROUND_SAMPLES * 3);
  private groundHead = 0;
  private groundLen = 0;
  /** Per zone index: 1 while the track's bottom centre is inside. */
  inZone: Uint8Array = new Uint8Array(0);
  /** Per zone index: stream time the track entered, ms. */
  enterPts: Float64Array = new Float64Array(0);
  /** Consecutive matched updates heading against the zone direction, per zone index. */
  wrongWay: Uint16Array = new Uint16Array(0);

  reset(t: Track, zones: number, pts: number): void {
    if (this.inZone.length !== zones) {
      this.inZone = new Uint8Array(zones);
      this.enterPts = new Float64Array(zones);
      this.wrongWay = new Uint16Array(zones);
    } else {
      this.inZone.fill(0);
      this.wrongWay.fill(0);
    }
    this.speedKmh = Number.NaN;
    this.personAspect = 0;
    this.movingAspect = 0;
    this.withTraffic = 0;
    this.amidTraffic = 0;
    this.clearSincePts = Number.NaN;
    this.avgNormSpeed = 0;
    this.updates = 0;
    this.speedSum = 0;
    this.speedN = 0;
    this.speedMax = 0;
    this.peakScore = 0;
    this.moved = false;
    this.appearedAtRest = -1;
    this.groundHead = 0;
    this.groundLen = 0;
    this.trackCls = t.cls;
    this.place(t);
    this.restX = this.cx;
    this.restY = this.cy;
    this.firstX = this.cx;
    this.firstY = this.cy;
    this.restSincePts = pts;
  }

  private place(t: Track): void {
    const kf = t.kf;
    this.cx = kf.cx;
    this.cy = kf.cy;
    this.bx = kf.cx;
    this.by = kf.cy + kf.h / 2;
  }

  /** Refreshes from a track matched in this frame. `aspect` = image width / height. */
  update(
    t: Track,
    pts: number,
    aspect: number,
    homography: Homography | undefined,
    scratch: Float64Array,
  ): void {
    this.place(t);
    const kf = t.kf;
    const h = Math.max(kf.h, 1e-3);
    this.vx = kf.vx * aspect;
    this.vy = kf.vy;
    this.normSpeed = Math.hypot(this.vx, this.vy) / h;
    this.updates++;
    if (t.cls === 'person') {
      const a = t.boxAspect(aspect);
      this.personAspect =
        this.personAspect === 0 ? a : this.personAspect + ASPECT_ALPHA * (a - this.personAspect);
    }
    // The Kalman velocity needs a few updates to settle; before that it says little.
    if (this.updates >= 3) this.avgNormSpeed += NORM_ALPHA * (this.normSpeed - this.avgNormSpeed);
    // Stillness: the centre stays within a fraction of the box height of where it came to rest.
    if (Math.hypot((this.cx - this.restX) * aspect, this.cy - this.restY) > REST_RADIUS * h) {
      this.restX = this.cx;
      this.restY = this.cy;
      this.restSincePts = pts;
      this.appearedAtRest = -1;
      this.moved = true;
      if (t.cls === 'person' || t.cls === 'motorcycle' || t.cls === 'bicycle') {
        const a = t.boxAspect(aspect);
        this.movingAspect =
          this.movingAspect === 0 ? a : this.movingAspect + ASPECT_ALPHA * (a - this.movingAspect);
      }
    }
    if (this.moved && pts - this.restSincePts < PEAK_REST_MS && t.score > this.peakScore) {
      this.peakScore = t.score;
    }
    if (homography) this.measureSpeed(t, pts, homography, scratch);
    this.trackCls = t.cls;
  }

  /**
   * Ground speed from the displacement of the box's bottom centre on the ground plane over the last
   * ~0.5-1 s of detections (the Kalman velocity lags when vehicles speed up in the image as they approach).
   */
  private measureSpeed(t: Track, pts: number, homography: Homography, scratch: Float64Array): void {
    // The raw detection's bottom centre: the ground contact point as measured.
    homography.map((t.x1 + t.x2) / 2, t.y2, scratch);
    const g = this.ground;
    const k = this.groundHead;
    g[k * 3] = pts;
    g[k * 3 + 1] = scratch[0]!;
    g[k * 3 + 2] = scratch[1]!;
    this.groundHead = (k + 1) % GROUND_SAMPLES;
    if (this.groundLen < GROUND_SAMPLES) this.groundLen++;
    // Oldest sample not older than the window.
    let j = -1;
    for (let n = this.groundLen - 1; n >= 1; n--) {
      const i = (k - n + GROUND_SAMPLES) % GROUND_SAMPLES;
      if (pts - g[i * 3]! <= SPEED_WINDOW_MS) {
        j = i;
        break;
      }
    }
    if (j < 0) return;
    const dt = (pts - g[j * 3]!) / 1000;
    if (dt < MIN_SPEED_SPAN_MS / 1000) return;
    const kmh = (Math.hypot(scratch[0]! - g[j * 3 + 1]!, scratch[1]! - g[j * 3 + 2]!) / dt) * 3.6;
    if (!Number.isFinite(kmh) || kmh > 400) return;
    this.speedKmh = Number.isNaN(this.speedKmh) ? kmh : this.speedKmh + SPEED_ALPHA * (kmh - this.speedKmh);
    this.speedSum += this.speedKmh;
    this.speedN++;
    if (this.speedKmh > this.speedMax) this.speedMax = this.speedKmh;
  }

  /**
   * The class analytics use: the track's voted class, except that a "person" moving at vehicle speed, or
   * seated (SEATED_ASPECT) and moving with traffic, or keeping pace with the traffic around it
   * (WITH_TRAFFIC_FRAMES), is a rider whose motorcycle the detector missed (common with small models on
   * head-on motorcycles in dense traffic).
   */
  classOf(t: Track): TrafficClass {
    if (t.cls !== 'person') return t.cls;
    if (this.avgNormSpeed >= RIDER_NORM_SPEED) return 'motorcycle';
    if (this.withTraffic >= WITH_TRAFFIC_FRAMES && 2 * this.withTraffic >= this.amidTraffic)
      return 'motorcycle';
    return this.personAspect >= SEATED_ASPECT && this.avgNormSpeed >= SEATED_MIN_SPEED ? 'motorcycle' : t.cls;
  }

  /** How long the track has been standing still at stream time `pts`, ms. */
  stillMs(pts: number): number {
    return pts - this.restSincePts;
  }
}
