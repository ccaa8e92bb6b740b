import { Zone } from '../time.js';
import type { PayloadLimits } from '../validation.js';
import { type FieldSpec, JsonDecoder, type TimeSpec } from './json.js';

/**
 * Tasmota telemetry (`tele/<name>/SENSOR`): one object per attached sensor, e.g.
 * `{"Time":"2024-05-01T14:03:10","BME280":{"Temperature":31.2,...},"SDS0X1":{"PM2.5":12.1},"TempUnit":"C"}`.
 * Without `fields`, metrics are named `<Sensor>.<Key>` (`BME280.Temperature`); map them to short names
 * with `fields` (a list path for keys with dots: `pm25: [SDS0X1, PM2.5]`). `Time` is the device's local
 * clock without offset, read in `timeZone`.
 */
export function tasmotaDecoder(
  cfg: { fields?: Record<string, FieldSpec>; time?: TimeSpec; timeZone: string },
  limits: PayloadLimits,
): JsonDecoder {
  return new JsonDecoder(
    { fields: cfg.fields, time: cfg.time ?? 'Time', zone: new Zone(cfg.timeZone) },
    limits,
  );
}
