import type { Frame, FrameGeometry } from '../camera/frame.js';
import type { CameraConfig } from '../config/schema.js';
import { AutoLevels, type ContrastMode, LevelsSnapshot } from '../vision/auto-levels.js';
import type { DetectionResult } from '../vision/detection.js';
import type { Detector, Polygon } from '../vision/detector.js';
import { MotionGate } from '../vision/motion.js';
import { hasGatedTiles, RegionGate } from '../vision/region-gate.js';

/**
 * What comes after detection for one camera (tracking, lines, zones, incidents: the TrafficStage). It gets
 * every DetectionResult in frame order, motion-gated ones too (`inferred: false`).
 */
export interface AnalyticsStage {
  /**
   * One result per frame, in order. `frame` is the decoded frame the result came from (for evidence
   * snapshots); it is valid only during the call: copy what you need, never keep `frame.data`.
   */
  push(result: DetectionResult, geometry: FrameGeometry, frame?: Frame): void;
  /** Live tracks: while there are any, the motion gate does not skip inference. */
  activeTracks(): number;
}

/** Detection only: no tracks, no counts, no incidents (benchmarks of the detector alone). */
export const detectionOnly: AnalyticsStage = { push: () => {}, activeTracks: () => 0 };

export interface PipelineOptions {
  /** Process every frame, ignoring the camera's detect fps (benchmarks; analyze, whose decoder reduces the rate). */
  everyFrame?: boolean;
  /** Called for every frame that was inferred (the camera's detect-fps health). */
  onInferred?: () => void;
  /**
   * The motion gate of frame k counts the live tracks, and the region gate goes by the small road users
   * seen, as they were after frame k - gateLag reached the analytics stage (default 1). Set it to the
   * frames in flight: the decisions are then the same whatever the timing (with more frames in flight, a
   * frame whose decision depends on it waits for that result). `analyze` uses 2 with one inference
   * session or several, so their counts are the same.
   */
  gateLag?: number;
  /**
   * Told when the contrast the detector sees has changed and held for CONTRAST_HOLD_MS of stream time:
   * 'as is', 'haze' (stretched for the whole picture) or 'glare' (row band by row band: low sun).
   */
  onContrast?: (mode: ContrastMode) => void;
}

/** A camera's contrast mode is reported once it has held this long (stream ms): light changes over seconds. */
export const CONTRAST_HOLD_MS = 5000;

export interface PipelineStats {
  frames: number;
  inferred: number;
  /** Skipped because no motion and no live tracks. */
  skippedMotion: number;
  /** Skipped because they came faster than the camera's detect fps. */
  skippedRate: number;
  /** Position of the latest frame processed, ms. */
  lastPtsMs: number;
  /** Inferred frames with and without the automatic detection regions (see RegionGate). */
  regionsOn: number;
  regionsOff: number;
  /**
   * Inferred frames the detector saw with their contrast stretched (AutoLevels): one mapping for the whole
   * picture (haze, fog, spray), or row band by row band (a glare veil: low sun).
   */
  levelledWhole: number;
  levelledRows: number;
}

const ignoreError = () => {};

/** Gate decisions: motion-gated; inferred with the automatic regions (if any); the whole picture only. */
const SKIP = 0;
const INFER_ALL = 1;
const INFER_WHOLE = 2;

/** What a later frame's gates need to know of frame i, once frame i has reached the analytics stage. */
interface FrameAfter {
  done: Promise<void>;
  set: () => void;
  /** Whether the frame has reached the analytics stage (`tracks` and `holdUntil` are its). */
  settled: boolean;
  /** Live tracks then. */
  tracks: number;
  /** The region gate's hold then (RegionGate.holdUntil). */
  holdUntil: number;
}

/**
 * One camera's path from frame to analytics: detect-fps throttle → motion gate → detector → analytics stage.
 * A caller may start the next frames before the previous ones' results are back (the scheduler does, to keep
 * the detectors busy): results still reach the analytics stage strictly in frame order, whatever order the
 * detector answers in. The motion gate runs in frame order too; when motion alone would skip a frame, it
 * asks whether tracks were alive after frame k - gateLag (waiting for that result if need be), so its
 * decisions do not depend on timing.
 */
export class CameraPipeline {
  readonly stats: PipelineStats = {
    frames: 0,
    inferred: 0,
    skippedMotion: 0,
    skippedRate: 0,
    lastPtsMs: 0,
    regionsOn: 0,
    regionsOff: 0,
    levelledWhole: 0,
    levelledRows: 0,
  };
  private gate?: MotionGate;
  private regionGate?: RegionGate;
  /** The contrast mode last reported, and the one seen since `contrastSince` (stream ms). */
  private contrast: ContrastMode = 'as is';
  private contrastSeen: ContrastMode = 'as is';
  private contrastSince = 0;
  private readonly onContrast?: (mode: ContrastMode) => void;
  private readonly intervalMs: number;
  private nextDueMs = Number.NEGATIVE_INFINITY;
  private readonly ignore: readonly Polygon[];
  /** Settles once the latest started frame has reached the analytics stage (or failed). */
  private tail: Promise<unknown> = Promise.resolve();
  private active = 0;
  /** Exposure normalisation of the frames the detector sees (haze, fog, spray). */
  private readonly levels = new AutoLevels();
  /** Snapshots of the mapping for frames in flight, reused (one per frame the detector has not read yet). */
  private readonly snapshots: LevelsSnapshot[] = [];
  private readonly onInferred: (() => void) | undefined;
  private readonly gateLag: number;
  /** Gate decisions, one after another in frame order. */
  private gateChain: Promise<unknown> = Promise.resolve();
  /** Frames past the throttle so far (their index is what gateLag counts in). */
  private passed = 0;
  /** The state after frame i reached the analytics stage, kept until frame i + gateLag asks. */
  private readonly after = new Map<number, FrameAfter>();
  /**
   * The region gate's hold after the latest frame that reached the analytics stage. Frames settle in order
   * and the hold only grows, so for a frame whose asked-for frame has not settled yet this is a lower bound
   * of the hold it would wait for: when it already covers the frame, the answer is known without waiting.
   */
  private settledHold = Number.NEGATIVE_INFINITY;

  constructor(
    readonly camera: CameraConfig,
    private readonly detector: Detector,
    readonly analytics: AnalyticsStage,
    options: PipelineOptions = {},
  ) {
    this.intervalMs = options.everyFrame ? 0 : 1000 / camera.detect.fps;
    this.ignore = camera.detect.ignore as readonly Polygon[];
    this.onInferred = options.onInferred;
    this.onContrast = options.onContrast;
    this.gateLag = Math.max(1, options.gateLag ?? 1);
  }

  /** Processes one frame; returns its result, or undefined when the detect-fps throttle dropped it. */
  async process(frame: Frame): Promise<DetectionResult | undefined> {
    this.stats.frames++;
    this.stats.lastPtsMs = frame.ptsMs;
    if (frame.ptsMs < this.nextDueMs) {
      this.stats.skippedRate++;
      return undefined;
    }
    // Half a frame interval of slack so 29.97 fps input at 10 fps detect does not alias down to 7.5 fps.
    this.nextDueMs = Math.max(this.nextDueMs + this.intervalMs, frame.ptsMs + this.intervalMs * 0.5);
    const index = this.passed++;
    this.afterSlot(index);
    const before = this.active > 0 ? this.tail : undefined;
    this.active++;
    const task = this.finish(frame, index, before);
    this.tail = task.then(ignoreError, ignoreError);
    return task;
  }

  /** The slot frame `i`'s state after it goes into (created by whichever side comes first). */
  private afterSlot(i: number): FrameAfter {
    let slot = this.after.get(i);
    if (!slot) {
      let set!: () => void;
      const done = new Promise<void>((r) => {
        set = r;
      });
      slot = { done, set, settled: false, tracks: 0, holdUntil: Number.NEGATIVE_INFINITY };
      this.after.set(i, slot);
    }
    return slot;
  }

  /**
   * The gates' decision for frame `index`, made after the previous frame's (frame order): SKIP (motion
   * gate), INFER_ALL, or INFER_WHOLE (the region gate leaves the automatic regions out). Both go by the
   * state after frame index - gateLag when it matters, never by whichever results happen to be back.
   */
  private gateDecision(frame: Frame, index: number): Promise<number> {
    const decision = this.gateChain.then(async () => {
      if (!this.gate || this.gateGeometryChanged(frame)) {
        this.gate = new MotionGate(frame.geometry, this.camera.detect.motion, this.ignore);
        this.regionGate = hasGatedTiles(frame.geometry) ? new RegionGate(frame.geometry) : undefined;
        this.settledHold = Number.NEGATIVE_INFINITY;
      }
      const gate = this.gate;
      const change = gate.measureFrame(frame.data);
      const asked = index - this.gateLag;
      let after: FrameAfter | undefined;
      if (asked >= 0 && gate.needsTracks(change, frame.ptsMs)) {
        after = this.afterSlot(asked);
        await after.done;
      }
      let result = gate.decide(change, frame.ptsMs, (after?.tracks ?? 0) > 0) ? INFER_ALL : SKIP;
      const regionGate = this.regionGate;
      if (result !== SKIP && regionGate) {
        let hold = Number.NEGATIVE_INFINITY;
        if (asked >= 0 && regionGate.needsHold(frame.ptsMs)) {
          after ??= this.afterSlot(asked);
          // In dense traffic the hold runs seconds ahead: frames go on in parallel instead of in step.
          if (!after.settled && frame.ptsMs <= this.settledHold) hold = this.settledHold;
          else {
            await after.done;
            hold = after.holdUntil;
          }
        }
        if (regionGate.want(frame.ptsMs, hold)) this.stats.regionsOn++;
        else {
          this.stats.regionsOff++;
          result = INFER_WHOLE;
        }
      }
      this.after.delete(asked);
      return result;
    });
    this.gateChain = decision.then(ignoreError, ignoreError);
    return decision;
  }

  /** Counts the frame's contrast `mode`, and reports a change once it has held CONTRAST_HOLD_MS (onContrast). */
  private noteContrast(mode: ContrastMode, ptsMs: number): void {
    if (mode === 'glare') this.stats.levelledRows++;
    else if (mode === 'haze') this.stats.levelledWhole++;
    if (mode !== this.contrastSeen) {
      this.contrastSeen = mode;
      this.contrastSince = ptsMs;
    }
    if (mode !== this.contrast && ptsMs - this.contrastSince >= CONTRAST_HOLD_MS) {
      this.contrast = mode;
      this.onContrast?.(mode);
    }
  }

  private async finish(
    frame: Frame,
    index: number,
    before: Promise<unknown> | undefined,
  ): Promise<DetectionResult> {
    let pushed = false;
    let levels: LevelsSnapshot | undefined;
    try {
      const decision = await this.gateDecision(frame, index);
      const infer = decision !== SKIP;
      if (infer) {
        this.levels.update(frame.data, frame.geometry);
        this.noteContrast(this.levels.mode, frame.ptsMs);
        // This frame's own mapping: the detector may read it only after later frames were measured.
        if (this.levels.lut) levels = this.levels.snapshot(this.snapshots.pop() ?? new LevelsSnapshot());
      }
      const detections = infer
        ? await this.detector.detect(frame.data, frame.geometry, this.ignore, decision === INFER_ALL, levels)
        : [];
      if (before) await before;
      if (infer) this.regionGate?.observe(detections, frame.ptsMs);
      const result: DetectionResult = {
        cameraId: frame.cameraId,
        seq: frame.seq,
        ptsMs: frame.ptsMs,
        wallMs: frame.wallMs,
        inferred: infer,
        detections,
      };
      if (infer) {
        this.stats.inferred++;
        this.onInferred?.();
      } else {
        this.stats.skippedMotion++;
      }
      this.analytics.push(result, frame.geometry, frame);
      pushed = true;
      return result;
    } finally {
      if (levels) this.snapshots.push(levels);
      // A failed frame still answers the gate of a later frame (with the tracks as they are).
      if (!pushed && before) await before.catch(ignoreError);
      // (Gone when frame index + gateLag did not need it and has decided already.)
      const hold = this.regionGate?.holdUntil ?? Number.NEGATIVE_INFINITY;
      this.settledHold = Math.max(this.settledHold, hold);
      const slot = this.after.get(index);
      if (slot) {
        slot.settled = true;
        slot.tracks = this.analytics.activeTracks();
        slot.holdUntil = hold;
        slot.set();
      }
      this.active--;
    }
  }

  private gateGeometryChanged(frame: Frame): boolean {
    const g = this.gate!.geometry;
    const f = frame.geometry;
    return (
      g !== f &&
      (g.srcWidth !== f.srcWidth ||
        g.srcHeight !== f.srcHeight ||
        g.width !== f.width ||
        g.height !== f.height ||
        (g.tiles?.length ?? 0) !== (f.tiles?.length ?? 0))
    );
  }
}
