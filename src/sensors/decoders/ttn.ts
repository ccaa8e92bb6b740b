import type { PayloadLimits } from '../validation.js';
import { type FieldSpec, JsonDecoder, type TimeSpec } from './json.js';

/**
 * The Things Stack v3 uplink messages (MQTT topic `v3/<app>@<tenant>/devices/<device id>/up`): the
 * readings are `uplink_message.decoded_payload` (the payload formatter's output), the time is
 * `received_at` (ISO 8601, network server receive time), `end_device_ids.device_id` names the device.
 */
export function ttnDecoder(
  cfg: { fields?: Record<string, FieldSpec>; time?: TimeSpec },
  limits: PayloadLimits,
): JsonDecoder {
  return new JsonDecoder(
    {
      root: 'uplink_message.decoded_payload',
      rootName: 'uplink_message.decoded_payload (is a payload formatter set in The Things Stack?)',
      fields: cfg.fields,
      time: cfg.time ?? 'received_at',
    },
    limits,
  );
}
