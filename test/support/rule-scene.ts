import type { AnalyticsEventWithEvidence, FrameRule } from '../../src/analytics/frame-context.js';
import { FrameContext } from '../../src/analytics/frame-context.js';
import { IncidentBook, type IncidentBookOptions } from '../../src/analytics/incident-book.js';
import { TrackInfo } from '../../src/analytics/track-info.js';
import { ZoneRuntime } from '../../src/analytics/zone-runtime.js';
import type { Frame } from '../../src/camera/frame.js';
import type { ZoneConfig } from '../../src/config/schema.js';
import type { TrafficClass } from '../../src/domain/traffic.js';
import { Track } from '../../src/tracking/track.js';

/** Wall clock of stream time 0 in rule scenes. */
export const T0 = 1_700_000_000_000;

/** A zone config with the schema's defaults (stoppedAfter 5 s, wrongWayFrames 5). */
export function zoneConfig(
  id: string,
  kind: ZoneConfig['kind'],
  polygon: [number, number][] = [
    [0, 0],
    [1, 0],
    [1, 1],
    [0, 1],
  ],
  extra: Partial<ZoneConfig> = {},
): ZoneConfig {
  return { id, kind, polygon, stoppedAfter: 5000, wrongWayFrames: 5, ...extra };
}

export interface SceneTrack {
  track: Track;
  info: TrackInfo;
}

/**
 * One camera's shared per-frame state without the tracker: tracks and their TrackInfo are set up by the
 * test (box, class, zone membership, motion) and one rule at a time runs over them, as the driver
 * (CameraAnalytics) would run it.
 */
export class RuleScene {
  readonly zones: ZoneRuntime[];
  readonly infos = new Map<number, TrackInfo>();
  readonly incidents: IncidentBook;
  readonly ctx: FrameContext;
  readonly tracks: Track[] = [];
  /** Per track, the stream time of the latest step it was in (its age grows by the steps since, as the tracker's). */
  private readonly steppedAt = new Map<Track, number>();

  constructor(zones: ZoneConfig[] = [], book: Partial<IncidentBookOptions> = {}) {
    this.zones = zones.map((z) => new ZoneRuntime(z));
    this.incidents = new IncidentBook({ cameraId: 'cam', ...book });
    this.ctx = new FrameContext('cam', this.zones, this.infos, this.incidents);
  }

  /**
   * Adds a confirmed track matched in the latest frame, with its box (fractions), first seen and at rest
   * since `pts`, inside the zones named in `zones` (entered at `pts`).
   */
  add(
    id: number,
    cls: TrafficClass,
    box: [number, number, number, number],
    opts: { pts?: number; zones?: string[]; confirmed?: boolean; hits?: number } = {},
  ): SceneTrack {
    const track = new Track();
    track.start(id, cls, 0.9, ...box);
    track.state = opts.confirmed === false ? 'tentative' : 'tracked';
    track.hits = opts.hits ?? 10;
    const info = new TrackInfo();
    const pts = opts.pts ?? 0;
    info.reset(track, this.zones.length, pts);
    for (const zid of opts.zones ?? []) this.enter({ track, info }, zid, pts);
    this.tracks.push(track);
    this.infos.set(id, info);
    return { track, info };
  }

  /** Marks the track inside zone `zoneId` since `pts` (what ZoneTransits would have found). */
  enter(t: SceneTrack, zoneId: string, pts = 0): void {
    const z = this.zoneIndex(zoneId);
    t.info.inZone[z] = 1;
    t.info.enterPts[z] = pts;
  }

  leave(t: SceneTrack, zoneId: string): void {
    t.info.inZone[this.zoneIndex(zoneId)] = 0;
  }

  /** The tracker dropped the track. */
  remove(t: SceneTrack): void {
    this.tracks.splice(this.tracks.indexOf(t.track), 1);
    this.infos.delete(t.track.id);
  }

  zone(id: string): ZoneRuntime {
    return this.zones[this.zoneIndex(id)]!;
  }

  /** Runs the rules once at stream time `pts` (wall clock T0 + pts); returns a copy of the frame's events. */
  step(
    rules: FrameRule | FrameRule[],
    pts: number,
    opts: { inferred?: boolean; frame?: Frame } = {},
  ): AnalyticsEventWithEvidence[] {
    const ctx = this.ctx;
    for (const t of this.tracks) {
      const last = this.steppedAt.get(t);
      if (last !== undefined) t.ageMs += pts - last;
      this.steppedAt.set(t, pts);
    }
    ctx.begin(pts, T0 + pts, opts.inferred ?? true, opts.frame);
    ctx.bind(this.tracks);
    for (const rule of Array.isArray(rules) ? rules : [rules]) rule.update(this.tracks, ctx);
    ctx.finish();
    return [...ctx.events];
  }

  /** Steps every `stepMs` from `from` to `to` (inclusive); returns every event. */
  run(
    rules: FrameRule | FrameRule[],
    from: number,
    to: number,
    stepMs = 100,
    opts: { inferred?: boolean; frame?: (pts: number) => Frame } = {},
  ): AnalyticsEventWithEvidence[] {
    const out: AnalyticsEventWithEvidence[] = [];
    for (let pts = from; pts <= to; pts += stepMs) {
      out.push(...this.step(rules, pts, { inferred: opts.inferred, frame: opts.frame?.(pts) }));
    }
    return out;
  }

  private zoneIndex(id: string): number {
    const z = this.zones.findIndex((zz) => zz.id === id);
    if (z < 0) throw new Error(`no zone ${id} in this scene`);
    return z;
  }
}

/** The incidents started among `events`. */
export function started(events: readonly AnalyticsEventWithEvidence[]) {
  return events.flatMap((e) => (e.type === 'incident_start' ? [e.incident] : []));
}

/** The incidents ended among `events`. */
export function ended(events: readonly AnalyticsEventWithEvidence[]) {
  return events.flatMap((e) => (e.type === 'incident_end' ? [e.incident] : []));
}
