import type { CameraManager } from '../camera/camera-manager.js';
import type { CameraControl } from '../uplink/control.js';

/**
 * What remote commands may do to the running gateway's cameras: snapshots and restarts. `cameras` is read
 * when a command runs (the cameras are built after the uplink).
 */
export function cameraControl(cameras: () => CameraManager | undefined): CameraControl {
  const running = () => {
    const c = cameras();
    if (!c) throw new Error('the cameras are not running yet');
    return c;
  };
  return {
    async snapshot(id) {
      const s = await running().snapshot(id);
      return s && { jpeg: s.jpeg, width: s.width, height: s.height, wallMs: s.wallMs };
    },
    restartCamera: (id, waitMs) => running().restart(id, waitMs),
  };
}
