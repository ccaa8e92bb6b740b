import type { Logger } from '../log/logger.js';
import { type CameraState, type CameraTransition, TERMINAL_STATES } from './camera-state.js';

/** States a failure leads to: logged once per repeated failure, summarised on recovery. */
const FAILING_STATES: ReadonlySet<CameraState> = new Set<CameraState>([
  'stalled',
  'backoff',
  ...TERMINAL_STATES,
]);

/** Logs a camera's transitions: repeated identical failures once, then summarised on recovery. */
export class TransitionLog {
  private lastFailureKey?: string;
  private repeatedFailures = 0;

  constructor(private readonly log: Logger | undefined) {}

  /** The camera streams again: the detail for that transition (how many attempts failed); the count starts over. */
  recovered(): string | undefined {
    const detail = this.repeatedFailures > 1 ? `after ${this.repeatedFailures} failed attempts` : undefined;
    this.lastFailureKey = undefined;
    this.repeatedFailures = 0;
    return detail;
  }

  record(t: CameraTransition): void {
    const log = this.log;
    if (!log) return;
    const failing = FAILING_STATES.has(t.to);
    if (t.to === 'connecting' && this.repeatedFailures > 0) return; // part of a retry loop already reported
    if (failing) {
      const key = `${t.to}:${t.reason}`;
      if (key === this.lastFailureKey) {
        this.repeatedFailures++;
        log.debug({ camera: t.cameraId, ...t }, 'camera still failing');
        return;
      }
      this.lastFailureKey = key;
      this.repeatedFailures = 1;
      log.warn(
        {
          camera: t.cameraId,
          from: t.from,
          to: t.to,
          reason: t.reason,
          detail: t.detail,
          retryInMs: t.retryInMs,
        },
        `camera ${t.to}`,
      );
      return;
    }
    log.info(
      { camera: t.cameraId, from: t.from, to: t.to, reason: t.reason, detail: t.detail },
      `camera ${t.to}`,
    );
  }
}
