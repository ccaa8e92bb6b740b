import { readFileSync } from 'node:fs';
import type { CameraManager } from '../camera/camera-manager.js';
import type { ResolvedConfig } from '../config/load.js';
import type { ApplyOutcome, GatewayControl } from '../uplink/commands.js';

/**
 * What remote commands may do to the running gateway: camera snapshots and restarts, its config (the
 * dispatcher masks secrets). Both are read when a command runs (the cameras are built after the uplink).
 */
export function gatewayControl(
  config: () => ResolvedConfig,
  cameras: () => CameraManager | undefined,
): GatewayControl {
  const camerasOrThrow = () => {
    const c = cameras();
    if (!c) throw new Error('the cameras are not running yet');
    return c;
  };
  return {
    async snapshot(id) {
      const s = await camerasOrThrow().snapshot(id);
      return s && { jpeg: s.jpeg, width: s.width, height: s.height, wallMs: s.wallMs };
    },
    restartCamera: (id, waitMs) => camerasOrThrow().restart(id, waitMs),
    config: () => {
      const cfg = config();
      return { file: cfg.source, text: readFileSync(cfg.source, 'utf8'), config: cfg };
    },
    // TODO(lead): apply atomically with rollback in the composition (src/pipeline/config-apply.ts).
    async applyConfig(): Promise<ApplyOutcome> {
      return { applied: false, problems: ['applying a pushed config is not wired into this gateway yet'] };
    },
  };
}
