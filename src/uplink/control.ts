import type { AlertMessage } from '../alerts/alert.js';
import type { ResolvedConfig } from '../config/load.js';

/** What remote commands may do to the running gateway's cameras; the composition implements it. */
export interface CameraControl {
  snapshot(
    cameraId: string,
  ): Promise<{ jpeg: Buffer; width: number; height: number; wallMs: number } | undefined>;
  /** Restarts the camera's stream; resolves with its state once streaming or after `waitMs`. */
  restartCamera(cameraId: string, waitMs: number): Promise<{ state: string }>;
}

export type ConfigApplyOutcome =
  | { id: string; status: 'applied' }
  | { id: string; status: 'invalid'; problems: { path: string; message: string }[] }
  | { id: string; status: 'rolled_back'; failures: string[] };

/**
 * The box as a whole: applying a new config restarts the gateway on it (this uplink included) and restores
 * the previous one when it does not come up healthy (the composition's GatewayRunner). The outcome is
 * announced to the parts of the gateway running then, so the reply to a push comes from the new uplink.
 */
export interface ConfigControl {
  apply(text: string, origin: string): Promise<ConfigApplyOutcome>;
  onApplied(listener: (outcome: ConfigApplyOutcome, origin: string) => void): () => void;
}

export interface AlertControl {
  acknowledge(id: string, by?: string, note?: string): AlertMessage | undefined;
}

/** Everything commands act on; absent parts make their commands answer "not available". */
export interface CommandTargets {
  alerts: AlertControl;
  cameras?: CameraControl;
  /** The config running now (get-config, and what a push is checked against). */
  config?: () => ResolvedConfig;
  box?: ConfigControl;
}

/** The reply to a command (docs/uplink.md, schema reply.v1.json). */
export interface CommandReply {
  schema: 'ioc-edge/reply/1';
  id: string | null;
  /** The same as `id`, for clients that name it so. */
  requestId: string | null;
  command: string;
  ok: boolean;
  at: string;
  result?: Record<string, unknown>;
  error?: string;
  problems?: { path: string; message: string }[];
}

/** Where a reply goes: the reply topic (or MQTT 5 response topic) and the request's correlation data. */
export interface ReplyAddress {
  topic: string;
  correlation?: Buffer;
}
