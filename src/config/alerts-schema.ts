import { z } from 'zod';
import { byteSize, duration } from './primitives.js';

/** Duration bounds are written in these units (ms). */
const [S, H, D] = [1000, 3_600_000, 86_400_000];

export const alertsSchema = z.strictObject({
  /** A cleared alert ends only after this long without a new raise (a raise within it continues the alert). */
  cooldown: duration({ min: 0, max: D }).prefault('60s'),
  /** Updates of one alert are coalesced: at most one update message per interval. */
  updateInterval: duration({ min: 0, max: H }).prefault('5s'),
  /** A camera not streaming for this long raises camera_down. */
  cameraDownAfter: duration({ min: S, max: D }).prefault('60s'),
  /** The filesystem of dataDir with less free space than this raises disk_low. */
  diskMinFree: byteSize.prefault('1GB'),
  /** Alert outbox bound: past it telemetry, then info alerts, then evidence pictures are dropped. */
  outbox: z.strictObject({ maxBytes: byteSize.prefault('512MB') }).prefault({}),
});
