import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  type AnalyticsEventWithEvidence,
  CameraAnalytics,
  type CameraAnalyticsOptions,
} from '../analytics/camera-analytics.js';
import type { Incident } from '../analytics/events.js';
import { renderEvidenceJpeg } from '../analytics/evidence.js';
import type { EvidenceSnapshot } from '../analytics/evidence-snapshot.js';
import type { LineSize } from '../analytics/line-sizes.js';
import type { Frame, FrameGeometry } from '../camera/frame.js';
import type { CameraConfig } from '../config/schema.js';
import type { TrafficClass } from '../domain/traffic.js';
import type { DetectionResult } from '../vision/detection.js';
import type { AnalyticsStage } from './camera-pipeline.js';
import { mayWantLargerRegions, type RegionResize, RegionSizer } from './region-sizing.js';

/** counts[lineId][direction][class] = vehicles that crossed. */
export type LineCounts = Record<string, Record<string, Partial<Record<TrafficClass, number>>>>;

export interface IncidentSummary {
  type: string;
  /** Absent for an object the detector does not know (road_obstacle from the picture alone). */
  class?: TrafficClass;
  /** What was seen and where, as the alert says it. */
  detail?: string;
  startSeconds: number;
  /** undefined while the incident is still open. */
  endSeconds?: number;
  zone: string;
}

export interface StageOptions extends Partial<CameraAnalyticsOptions> {
  /** Write each incident's evidence JPEG under <dir>/<camera>/<incident id>.jpg (off the hot path). */
  evidenceDir?: string;
  /** Called when an evidence picture could not be written (the incident stands without it). */
  onEvidenceError?: (err: unknown, incidentId: string) => void;
  /** Called with each evidence picture once written (the alerts send it to the IOC). */
  onEvidence?: (incident: Incident, jpeg: Buffer, path: string) => void;
  /** Called once per line when two-wheelers crossing it turn out too small to be counted well. */
  onSmallLine?: (size: LineSize) => void;
  /**
   * Called once when the camera's automatic regions should grow for such a line (region-sizing.ts): the
   * caller re-plans the camera's detection with `regionWidth`. Without it nothing is re-sized.
   */
  onResize?: (resize: RegionResize) => void;
  /**
   * Whether the regions at a re-size's `regionWidth` would differ from the camera's regions now (see
   * regionsWouldChange); when not, there is no re-size and the lines' size warnings go out. Default: yes.
   */
  regionsWouldChange?: (regionWidth: number, geometry: FrameGeometry) => boolean;
  /** Stream time from the first frame within which a re-size may come (default: always). */
  resizeWithinMs?: number;
  /** Called once when no re-size will come any more (past `resizeWithinMs`). */
  onSizingDone?: () => void;
}

/**
 * Stream time after a re-size within which frames at the new regions are awaited (ms): a camera whose
 * regions could not grow within its budget keeps its layout and never reconnects.
 */
const RESIZE_SETTLE_MS = 10_000;

/** Wall time between looks at the lines' two-wheeler sizes (for onSmallLine), ms. */
const SIZE_CHECK_MS = 10_000;

export type AnalyticsListener = (event: AnalyticsEventWithEvidence) => void;

/**
 * One camera's stage after detection: tracking, lines, zones, speed, congestion and incidents
 * (CameraAnalytics), plus the evidence pictures of incidents, written off the hot path. Events go to
 * `listener` synchronously (incident starts carry the evidence snapshot when the frame was passed to push()).
 */
export class TrafficStage implements AnalyticsStage {
  readonly analytics: CameraAnalytics;
  private readonly pending = new Set<Promise<void>>();
  /** The latest frame's geometry (detection scale at each line). */
  private geometry: FrameGeometry | undefined;
  private nextSizeCheck = 0;
  private readonly warnedSmall = new Set<string>();
  private readonly sizer: RegionSizer | undefined;
  /**
   * The regions detection ran at when they were asked to grow, until frames come at new ones (the camera
   * reconnects with them): the lines' sizes until then are those of the old regions.
   */
  private resizedFrom: FrameGeometry | undefined;
  private resizedAtPts = 0;
  /** What the sizer looks at (made once: push() runs per frame). */
  private readonly sizesNow = () =>
    this.geometry ? this.analytics.twoWheelers.report(this.camera.lines, this.geometry) : [];
  private readonly sizesFromCars = () =>
    this.geometry ? this.analytics.twoWheelers.report(this.camera.lines, this.geometry, 'cars') : [];

  constructor(
    private readonly camera: CameraConfig,
    private readonly listener: AnalyticsListener = () => {},
    private readonly opts: StageOptions = {},
  ) {
    this.analytics = new CameraAnalytics(camera, opts);
    this.sizer = opts.onResize ? new RegionSizer(camera, opts.resizeWithinMs) : undefined;
  }

  push(result: DetectionResult, geometry: FrameGeometry, frame?: Frame): void {
    if (!frame) this.analytics.opts.aspect = geometry.srcWidth / geometry.srcHeight;
    this.geometry = geometry;
    if (
      this.resizedFrom !== undefined &&
      (geometry !== this.resizedFrom || result.ptsMs - this.resizedAtPts > RESIZE_SETTLE_MS)
    )
      this.resizedFrom = undefined;
    for (const e of this.analytics.process(result, frame)) {
      if (e.type === 'incident_start' && e.evidence && this.opts.evidenceDir) this.writeEvidence(e.evidence);
      this.listener(e);
    }
    if (this.sizer?.active) {
      const resize = this.sizer.check(result.ptsMs, this.sizesNow, this.sizesFromCars);
      if (resize && this.opts.regionsWouldChange?.(resize.regionWidth, geometry) === false) {
        this.opts.onSizingDone?.();
      } else if (resize) {
        this.resizedFrom = geometry;
        this.resizedAtPts = result.ptsMs;
        this.opts.onResize!(resize);
      } else if (!this.sizer.active) this.opts.onSizingDone?.();
    }
    if (result.wallMs >= this.nextSizeCheck && this.opts.onSmallLine) this.checkSizes(result.wallMs);
  }

  /**
   * How tall two-wheelers are where they cross each line (empty before the first frame), `sizing` where
   * the sizer is still judging a small line, or the regions grew and frames at them have not come yet.
   */
  lineSizes(): LineSize[] {
    const sizes = this.sizesNow();
    const resizing = this.resizedFrom !== undefined;
    if (resizing || this.sizer?.active) {
      for (let i = 0; i < sizes.length; i++) {
        const s = sizes[i]!;
        if (mayWantLargerRegions(s) && (resizing || this.sizer!.deciding(i))) s.sizing = true;
      }
    }
    return sizes;
  }

  private checkSizes(now: number): void {
    this.nextSizeCheck = now + SIZE_CHECK_MS;
    for (const size of this.lineSizes()) {
      if (size.status !== 'small' || this.warnedSmall.has(size.line)) continue;
      // The regions are about to grow for it: warn only if it is still small at their new size.
      if (size.sizing) continue;
      this.warnedSmall.add(size.line);
      this.opts.onSmallLine?.(size);
    }
  }

  /** Resolves when every evidence picture started so far is written. */
  async evidenceWritten(): Promise<void> {
    while (this.pending.size > 0) await Promise.all([...this.pending]);
  }

  private writeEvidence(snapshot: EvidenceSnapshot): void {
    const incident = snapshot.incident;
    const dir = join(this.opts.evidenceDir!, incident.cameraId);
    const path = join(dir, `${incident.id}.jpg`);
    // The path is known now, so the incident (published synchronously) can name it.
    incident.evidencePath = path;
    const job = (async () => {
      await mkdir(dir, { recursive: true });
      const jpeg = await renderEvidenceJpeg(snapshot);
      await writeFile(path, jpeg);
      this.opts.onEvidence?.(incident, jpeg, path);
    })()
      .catch((err) => {
        incident.evidencePath = undefined;
        this.opts.onEvidenceError?.(err, incident.id);
      })
      .finally(() => this.pending.delete(job));
    this.pending.add(job);
  }

  /** Ends the current count interval (and open incidents when asked), e.g. at the end of a clip. */
  finish(endIncidents = true): void {
    for (const e of this.analytics.flush(endIncidents)) this.listener(e);
  }

  activeTracks(): number {
    return this.analytics.tracks.length;
  }

  counts(): LineCounts {
    const out: LineCounts = {};
    for (const line of this.analytics.lines) {
      const perDir: LineCounts[string] = {};
      for (const dir of line.directions) {
        const perCls: Partial<Record<(typeof line.classes)[number], number>> = {};
        for (const cls of line.classes) perCls[cls] = line.total(dir, cls);
        perDir[dir] = perCls;
      }
      out[line.id] = perDir;
    }
    return out;
  }

  incidents(): IncidentSummary[] {
    return this.analytics.history.map((i) => ({
      type: i.type,
      class: i.cls,
      detail: i.detail,
      startSeconds: i.startPtsMs / 1000,
      endSeconds: i.endPtsMs === undefined ? undefined : i.endPtsMs / 1000,
      zone: i.zoneId ?? '',
    }));
  }
}
