import type { Frame } from '../camera/frame.js';
import type { TrafficClass } from '../domain/traffic.js';
import type { Track } from '../tracking/track.js';
import type { AnalyticsEvent } from './events.js';
import type { EvidenceSnapshot } from './evidence-snapshot.js';
import type { IncidentBook } from './incident-book.js';
import { isVehicle, type TrackInfo } from './track-info.js';
import type { ZoneRuntime } from './zone-runtime.js';

/** Incident start events carry a snapshot of the frame to draw the evidence picture from. */
export type AnalyticsEventWithEvidence = AnalyticsEvent & { evidence?: EvidenceSnapshot };

/**
 * One step of a camera's analytics, in the shape of supervision's LineZone/PolygonZone `trigger`: it reads
 * the frame's tracks and the shared context and appends what it finds to `ctx.events`. Runs once per
 * detector result, so it must not allocate per track.
 */
export interface FrameRule {
  update(tracks: readonly Track[], ctx: FrameContext): void;
}

/**
 * What every rule of one camera reads during a frame: stream and wall time, the frame (when there is one),
 * the tracks with their derived per-track state, the zones, the incident book, and the events array the
 * rules fill. One instance per camera, refilled each frame.
 */
export class FrameContext {
  /** Stream position and wall clock of the frame, ms. */
  pts = 0;
  time = 0;
  /** Whether the detector ran on this frame (false: motion-gated, tracks only predicted). */
  inferred = false;
  /** Camera image width / height (box shapes in pixels). */
  aspect = 16 / 9;
  /** The frame (for tamper checks and evidence pictures); valid only during the frame. */
  frame: Frame | undefined;
  /** The tracks of this frame, for evidence pictures. */
  tracks: readonly Track[] = [];
  /** Events of this frame, in the order the rules found them (valid until the next frame). */
  readonly events: AnalyticsEventWithEvidence[] = [];
  /** Per-track derived state, by index into `tracks` (undefined for a track never matched yet). */
  readonly infoAt: (TrackInfo | undefined)[] = [];
  /** Zone indices of parking and sidewalk zones (vehicles in them are parked), and of sidewalk zones. */
  readonly parkingZones: readonly number[];
  readonly sidewalkZones: readonly number[];

  constructor(
    readonly cameraId: string,
    readonly zones: readonly ZoneRuntime[],
    /** Per-track derived state by track id (owned by the camera's driver). */
    readonly infos: ReadonlyMap<number, TrackInfo>,
    readonly incidents: IncidentBook,
  ) {
    this.parkingZones = zones.flatMap((z, i) => (z.parking ? [i] : []));
    this.sidewalkZones = zones.flatMap((z, i) => (z.cfg.kind === 'sidewalk' ? [i] : []));
  }

  /** Starts a frame: clears the events and sets the clocks. */
  begin(pts: number, time: number, inferred: boolean, frame: Frame | undefined): void {
    this.events.length = 0;
    this.pts = pts;
    this.time = time;
    this.inferred = inferred;
    this.frame = frame;
  }

  /** Sets the frame's tracks and looks up their per-track state once for all rules. */
  bind(tracks: readonly Track[]): void {
    this.tracks = tracks;
    const at = this.infoAt;
    // Never shrunk: entries past tracks.length are stale and never read.
    for (let i = 0; i < tracks.length; i++) at[i] = this.infos.get(tracks[i]!.id);
  }

  /** Ends the frame: drops the reference to the frame, whose buffer goes back to its pool. */
  finish(): void {
    this.frame = undefined;
  }

  /** The class the analytics use for a track (see TrackInfo.classOf). */
  classOf(t: Track): TrafficClass {
    const info = this.infos.get(t.id);
    return info ? info.classOf(t) : t.cls;
  }

  /** Whether a track is a vehicle by that class (made once: inClearView takes it per call). */
  readonly isVehicleTrack = (t: Track): boolean => isVehicle(this.classOf(t));

  inParking(info: TrackInfo): boolean {
    return inAnyZone(info.inZone, this.parkingZones);
  }

  onSidewalk(info: TrackInfo): boolean {
    return inAnyZone(info.inZone, this.sidewalkZones);
  }
}

/** True when the track is in any of the zones `zones` (indices into `inZone`); a plain loop, called per track per frame. */
function inAnyZone(inZone: Uint8Array, zones: readonly number[]): boolean {
  for (let i = 0; i < zones.length; i++) if (inZone[zones[i]!]) return true;
  return false;
}
