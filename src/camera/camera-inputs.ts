import type { CameraConfig } from '../config/schema.js';
import type { Hwaccel } from './frame-reader.js';

/** One stream of a camera with the settings it is opened with. */
export interface CameraInput {
  url: string;
  transport: 'tcp' | 'udp';
  hwaccel: Hwaccel;
}

/** A camera's streams by role. */
export interface CameraInputs {
  /** Decoded for detection (and the live view). */
  detect: CameraInput;
  /** Only copied (clip segments) and grabbed for full-resolution snapshots; the detect input when shared. */
  record?: CameraInput;
  /** One stream has both roles: the detector's ffmpeg also writes the clip segments. */
  shared: boolean;
}

/**
 * The streams of a camera config by role: `url` is one stream with both roles; `inputs` give each role to
 * one input (validated by the config schema).
 */
export function cameraInputs(cam: CameraConfig): CameraInputs {
  if (!cam.inputs) {
    const one: CameraInput = { url: cam.url ?? '', transport: cam.transport, hwaccel: cam.hwaccel };
    return { detect: one, record: one, shared: true };
  }
  const resolve = (i: NonNullable<CameraConfig['inputs']>[number]): CameraInput => ({
    url: i.url,
    transport: i.transport ?? cam.transport,
    hwaccel: i.hwaccel ?? cam.hwaccel,
  });
  const detectInput = cam.inputs.find((i) => i.roles.includes('detect')) ?? cam.inputs[0]!;
  const recordInput = cam.inputs.find((i) => i.roles.includes('record'));
  const detect = resolve(detectInput);
  if (!recordInput) return { detect, shared: false };
  if (recordInput === detectInput) return { detect, record: detect, shared: true };
  return { detect, record: resolve(recordInput), shared: false };
}

/** Every URL of a camera (for secrets and change detection). */
export function cameraUrls(cam: Pick<CameraConfig, 'url' | 'inputs'>): string[] {
  return cam.inputs ? cam.inputs.map((i) => i.url) : cam.url ? [cam.url] : [];
}
