import type { CameraState } from './camera-state.js';
import type { StreamInfo } from './ffmpeg-log.js';

export interface CameraHealth {
  id: string;
  state: CameraState;
  /** Since when (epoch ms) the camera is in this state. */
  since: number;
  reason?: string;
  /** Stream frame rate as the camera announces it. */
  inputFps?: number;
  /** Frames/s coming out of ffmpeg (after fps reduction). */
  frameFps: number;
  /** Frames/s taken by the consumer (the detector). */
  processedFps: number;
  /** Frames/s dropped because the consumer was behind. */
  skippedFps: number;
  /** Detections/s reported by the detector (recordDetect). */
  detectFps: number;
  /** ms since the last frame (undefined before the first). */
  lastFrameAgeMs?: number;
  reconnects: number;
  ffmpegRestarts: number;
  framesTotal: number;
  skippedTotal: number;
  stream?: StreamInfo;
  retryInMs?: number;
  pid?: number;
}

/** A camera's state and counters at a health sample. */
export interface HealthSample {
  id: string;
  state: CameraState;
  since: number;
  reason?: string;
  stream?: StreamInfo;
  /** Frames out of ffmpeg, taken by the consumer and dropped, and detections, since start. */
  frames: number;
  taken: number;
  skipped: number;
  detects: number;
  /** Wall clock of the last frame (0 before the first). */
  lastFrameWallMs: number;
  reconnects: number;
  ffmpegRestarts: number;
  retryDueMs?: number;
  pid?: number;
}

/** Turns health samples into a camera's health: the rates are over the time since the previous sample. */
export class HealthMeter {
  private prev = { frames: 0, taken: 0, skipped: 0, detects: 0, atMs: Date.now() };

  measure(s: HealthSample): CameraHealth {
    const now = Date.now();
    const dt = Math.max(1, now - this.prev.atMs) / 1000;
    const rate = (a: number, b: number) => Math.round(((a - b) / dt) * 10) / 10;
    const h: CameraHealth = {
      id: s.id,
      state: s.state,
      since: s.since,
      reason: s.reason,
      inputFps: s.stream?.fps,
      frameFps: rate(s.frames, this.prev.frames),
      processedFps: rate(s.taken, this.prev.taken),
      skippedFps: rate(s.skipped, this.prev.skipped),
      detectFps: rate(s.detects, this.prev.detects),
      lastFrameAgeMs: s.lastFrameWallMs > 0 ? now - s.lastFrameWallMs : undefined,
      reconnects: s.reconnects,
      ffmpegRestarts: s.ffmpegRestarts,
      framesTotal: s.frames,
      skippedTotal: s.skipped,
      stream: s.stream,
      retryInMs: s.retryDueMs !== undefined ? Math.max(0, s.retryDueMs - now) : undefined,
      pid: s.pid,
    };
    this.prev = { frames: s.frames, taken: s.taken, skipped: s.skipped, detects: s.detects, atMs: now };
    return h;
  }
}
