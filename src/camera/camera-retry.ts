import { Backoff, jitter } from '../lifecycle/backoff.js';
import { type TerminalState, terminalStateFor } from './camera-state.js';
import { type FailureReason, lastErrorLine } from './ffmpeg-log.js';
import type { ReaderExit } from './frame-reader.js';

/** Retry delays vary ±20 %: cameras that failed together do not retry together. */
const RETRY_JITTER = [0.8, 1.2] as const;
/**
 * A camera that streamed a moment ago and now answers 404/401 is most likely rebooting (its RTSP server
 * up before its stream): for this long after its last frame such answers get the normal backoff, not the
 * slow retry meant for a wrong URL or password.
 */
const REBOOT_GRACE_MS = 120_000;

export interface ReconnectOptions {
  /** Reconnect backoff: initial and maximum delay (default 1 s → 60 s). */
  backoffInitialMs?: number;
  backoffMaxMs?: number;
  /** Retry delay in the slow-retry states (unauthorized, not_found, bad_media, no_video, bad_config; default 5 min, jittered). */
  slowRetryMs?: number;
}

/**
 * When a camera tries again: the normal backoff after drops and stalls (reset by a frame), a slow retry for
 * failures that retrying will not fix soon (camera-state.ts), except 404/401 just after streaming (a reboot).
 */
export class ReconnectPolicy {
  private readonly backoff: Backoff;

  constructor(private readonly opts: ReconnectOptions) {
    this.backoff = new Backoff({
      initialMs: opts.backoffInitialMs ?? 1000,
      maxMs: opts.backoffMaxMs ?? 60_000,
      jitter: RETRY_JITTER,
    });
  }

  /** The stream delivers again: the next failure starts the backoff over. */
  reset(): void {
    this.backoff.reset();
  }

  /** The normal retry delay (grows with each call until reset()). */
  nextDelay(): number {
    return this.backoff.next();
  }

  /** The delay in a slow-retry state. */
  slowDelay(): number {
    return Math.round(jitter(this.opts.slowRetryMs ?? 300_000, RETRY_JITTER));
  }

  /**
   * The slow-retry state for a failure, or undefined for the normal backoff: also for 404/401 from a camera
   * that streamed (`everStreamed`) until REBOOT_GRACE_MS after its last frame (`lastFrameWallMs`).
   */
  slowRetryState(
    reason: FailureReason | undefined,
    everStreamed: boolean,
    lastFrameWallMs: number,
  ): TerminalState | undefined {
    const terminal = terminalStateFor(reason);
    const rebooting =
      (terminal === 'not_found' || terminal === 'unauthorized') &&
      everStreamed &&
      Date.now() - lastFrameWallMs < REBOOT_GRACE_MS;
    return rebooting ? undefined : terminal;
  }
}

/** Why ffmpeg's run failed, for a normal retry, and the message that explains it. */
export function describeExit(exit: ReaderExit): { reason: string; detail: string | undefined } {
  // A live stream that ends without an error (the input list on stdin then simply ends) is a dropped camera.
  const closed = exit.code === 0 && exit.reason === 'unknown';
  return {
    reason: closed ? 'stream ended' : (exit.reason ?? 'exited'),
    detail: closed ? 'the camera closed the stream' : lastErrorLine(exit.stderrTail),
  };
}
