import type { FailureReason } from './ffmpeg-log.js';

/**
 * connecting → streaming → stalled → backoff → connecting, plus states for errors that retrying will
 * not fix soon (still retried, slowly): unauthorized, not_found, bad_media (a corrupt or truncated file),
 * no_video (no video stream in it), bad_config. `ended` is a file:// clip
 * that played to its end without loop; `stopped` is after stop().
 */
export const CAMERA_STATES = [
  'idle',
  'connecting',
  'streaming',
  'stalled',
  'backoff',
  'unauthorized',
  'not_found',
  'bad_media',
  'no_video',
  'bad_config',
  'ended',
  'stopped',
] as const;
export type CameraState = (typeof CAMERA_STATES)[number];

/** States for failures that retrying will not fix soon (still retried, slowly). */
export const TERMINAL_STATES = ['unauthorized', 'not_found', 'bad_media', 'no_video', 'bad_config'] as const;
export type TerminalState = (typeof TERMINAL_STATES)[number];

/** The slow-retry state for a failure, or undefined when normal backoff applies. */
export function terminalStateFor(reason: FailureReason | undefined): TerminalState | undefined {
  switch (reason) {
    case 'unauthorized':
      return 'unauthorized';
    case 'not_found':
      return 'not_found';
    case 'bad_media':
      return 'bad_media';
    case 'no_video':
      return 'no_video';
    case 'bad_config':
    case 'unsupported_codec':
      return 'bad_config';
    default:
      return undefined;
  }
}

export interface CameraTransition {
  cameraId: string;
  from: CameraState;
  to: CameraState;
  /** Why: a failure reason, 'stall', 'stream lost', 'first frame'... */
  reason?: string;
  /** Scrubbed ffmpeg message that explains a failure. */
  detail?: string;
  /** For backoff and slow-retry states: when the next attempt is due. */
  retryInMs?: number;
  atMs: number;
}
