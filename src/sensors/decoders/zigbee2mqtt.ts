import type { PayloadLimits } from '../validation.js';
import { type FieldSpec, JsonDecoder, type TimeSpec } from './json.js';

/**
 * Zigbee2MQTT device state (`zigbee2mqtt/<friendly name>`): flat JSON such as
 * `{"temperature":29.4,"humidity":71,"battery":97,"linkquality":132,"water_leak":false}`. Booleans
 * (water_leak, occupancy, contact) become 1/0. The time is `last_seen` when Zigbee2MQTT is set to add
 * it (ISO 8601 or epoch ms), else the arrival time.
 */
export function zigbee2mqttDecoder(
  cfg: { fields?: Record<string, FieldSpec>; time?: TimeSpec },
  limits: PayloadLimits,
): JsonDecoder {
  return new JsonDecoder(
    {
      fields: cfg.fields,
      time: cfg.time ?? 'last_seen',
      timeOptional: cfg.time === undefined,
      booleans: true,
    },
    limits,
  );
}
