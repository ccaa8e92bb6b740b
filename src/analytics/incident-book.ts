import type { Frame } from '../camera/frame.js';
import type { TrafficClass } from '../domain/traffic.js';
import type { Track } from '../tracking/track.js';
import type { Incident, IncidentType, Severity } from './events.js';
import { captureEvidence, type EvidenceSnapshot } from './evidence-snapshot.js';
import type { FrameContext } from './frame-context.js';
import type { ZoneRuntime } from './zone-runtime.js';

/** Takes the evidence snapshot of a starting incident while its frame is held. */
export type EvidenceCapture = (
  frame: Frame,
  incident: Incident,
  tracks: readonly Track[],
  zone: readonly (readonly [number, number])[] | undefined,
) => EvidenceSnapshot;

export interface IncidentBookOptions {
  cameraId: string;
  /** Incidents kept in `history` (oldest dropped first). */
  maxHistory?: number;
  /** Evidence of a starting incident, taken when the frame is at hand (default: captureEvidence). */
  capture?: EvidenceCapture;
}

/** What a rule knows when it raises an incident. */
export interface NewIncident {
  /** Names the condition: one incident per key is open at a time. */
  key: string;
  type: IncidentType;
  severity: Severity;
  zone?: ZoneRuntime;
  cls?: TrafficClass;
  trackIds: number[];
  /** Where it is in the picture when no track shows it (Incident.box). */
  box?: readonly [number, number, number, number];
  /** Human-readable reason, e.g. "car stopped 34 s in no_stopping zone shoulder". */
  detail: string;
}

/**
 * The incidents of one camera: the open ones by key, a bounded history, ids, and the start and end
 * events (a start carries the evidence snapshot when the frame is at hand).
 */
export class IncidentBook {
  /** Incidents open now, by key. */
  readonly open = new Map<string, Incident>();
  /** Every incident started (kept for reports; bounded by `maxHistory`). */
  readonly history: Incident[] = [];
  maxHistory: number;
  private readonly cameraId: string;
  private readonly capture: EvidenceCapture;
  private seq = 0;

  constructor(opts: IncidentBookOptions) {
    this.cameraId = opts.cameraId;
    this.maxHistory = opts.maxHistory ?? 1000;
    this.capture = opts.capture ?? captureEvidence;
  }

  isOpen(key: string): boolean {
    return this.open.has(key);
  }

  /** Opens an incident at the context's frame and appends its start event. */
  start(ctx: FrameContext, n: NewIncident): Incident {
    const incident: Incident = {
      id: `${this.cameraId}-${n.type}-${Math.round(ctx.time)}-${++this.seq}`,
      type: n.type,
      cameraId: this.cameraId,
      zoneId: n.zone?.id,
      cls: n.cls,
      severity: n.severity,
      startMs: ctx.time,
      startPtsMs: ctx.pts,
      trackIds: n.trackIds,
      detail: n.detail,
    };
    if (n.box) incident.box = n.box;
    this.open.set(n.key, incident);
    this.history.push(incident);
    if (this.history.length > this.maxHistory) this.history.shift();
    const evidence = ctx.frame
      ? this.capture(ctx.frame, incident, ctx.tracks, n.zone?.cfg.polygon)
      : undefined;
    ctx.events.push({ type: 'incident_start', incident, evidence });
    return incident;
  }

  /** Closes the incident open under `key`, if any, and appends its end event. */
  end(ctx: FrameContext, key: string): void {
    const incident = this.open.get(key);
    if (!incident) return;
    this.open.delete(key);
    incident.endMs = ctx.time;
    incident.endPtsMs = ctx.pts;
    ctx.events.push({ type: 'incident_end', incident });
  }

  /** Closes every open incident (in the order they were opened). */
  endAll(ctx: FrameContext): void {
    for (const key of [...this.open.keys()]) this.end(ctx, key);
  }
}
