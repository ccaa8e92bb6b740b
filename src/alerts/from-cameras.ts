import type { CameraTransition } from '../camera/camera-state.js';
import type { AlertSignal } from './alert.js';
import { CAMERA_DOWN_SEVERITY } from './severity.js';

/**
 * Camera down/up from the cameras' state transitions: a camera that has not streamed for `afterMs` (stalled,
 * retrying, refused, not found...) raises `camera_down`; its next frame clears it. Short reconnects that
 * recover within `afterMs` raise nothing.
 */
export class CameraDownWatch {
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly last = new Map<string, CameraTransition>();
  private readonly down = new Set<string>();
  /** When each camera stopped streaming (the alert's start). */
  private readonly since = new Map<string, number>();

  constructor(
    private readonly afterMs: number,
    private readonly emit: (s: AlertSignal) => void,
  ) {}

  onTransition(t: CameraTransition): void {
    this.last.set(t.cameraId, t);
    switch (t.to) {
      case 'streaming':
      case 'ended':
        this.cancel(t.cameraId);
        if (this.down.delete(t.cameraId)) this.emit(this.signal(t, 'clear'));
        return;
      case 'stopped':
      case 'idle':
        this.cancel(t.cameraId);
        return;
      default:
        if (this.timers.has(t.cameraId) || this.down.has(t.cameraId)) return;
        this.since.set(t.cameraId, t.atMs);
        this.timers.set(
          t.cameraId,
          setTimeout(() => this.fire(t.cameraId), this.afterMs),
        );
    }
  }

  stop(): void {
    for (const id of [...this.timers.keys()]) this.cancel(id);
  }

  private fire(cameraId: string): void {
    this.timers.delete(cameraId);
    const t = this.last.get(cameraId);
    if (!t) return;
    this.down.add(cameraId);
    this.emit(this.signal(t, 'raise'));
  }

  private cancel(cameraId: string): void {
    clearTimeout(this.timers.get(cameraId));
    this.timers.delete(cameraId);
  }

  private signal(t: CameraTransition, state: 'raise' | 'clear'): AlertSignal {
    const s: AlertSignal = {
      state,
      source: { kind: 'camera', id: t.cameraId },
      type: 'camera_down',
      severity: CAMERA_DOWN_SEVERITY,
      timeMs: state === 'raise' ? (this.since.get(t.cameraId) ?? t.atMs) : t.atMs,
    };
    if (state === 'raise') {
      s.level = t.to;
      const why = [t.reason, t.detail].filter(Boolean).join(': ');
      s.detail = `not streaming for ${Math.round(this.afterMs / 1000)} s (${t.to}${why ? `, ${why}` : ''})`;
    }
    return s;
  }
}
