import type { PayloadLimits } from '../validation.js';
import { type FieldSpec, JsonDecoder, type TimeSpec } from './json.js';

/**
 * ChirpStack v4 uplink events (MQTT topic `application/<app id>/device/<DevEUI>/event/up`): the
 * device's readings are the codec-decoded `object`; `time` is the gateway's receive time (ISO 8601),
 * `deviceInfo.devEui` names the device (the topic carries it too, which is what the registry matches).
 */
export function chirpstackDecoder(
  cfg: { fields?: Record<string, FieldSpec>; time?: TimeSpec },
  limits: PayloadLimits,
): JsonDecoder {
  return new JsonDecoder(
    {
      root: 'object',
      rootName: 'decoded "object" (is a payload codec set for the device profile in ChirpStack?)',
      fields: cfg.fields,
      time: cfg.time ?? 'time',
      // ChirpStack leaves `time` out when no gateway reported one (e.g. no GPS and no NTP).
      timeOptional: cfg.time === undefined,
    },
    limits,
  );
}
