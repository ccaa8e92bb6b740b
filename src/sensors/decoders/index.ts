import type { SensorDeviceConfig } from '../../config/schema.js';
import type { PayloadLimits } from '../validation.js';
import { chirpstackDecoder } from './chirpstack.js';
import type { Decoder } from './decoded.js';
import { InfluxDecoder } from './influx.js';
import { JsonDecoder } from './json.js';
import { KvDecoder } from './kv.js';
import { NumberDecoder } from './number.js';
import { SparkplugDecoder } from './sparkplug.js';
import { tasmotaDecoder } from './tasmota.js';
import { ttnDecoder } from './ttn.js';
import { zigbee2mqttDecoder } from './zigbee2mqtt.js';

/** The decoder a device's config names, compiled once. */
export function createDecoder(cfg: SensorDeviceConfig['decoder'], limits: PayloadLimits): Decoder {
  switch (cfg.type) {
    case 'json':
      return new JsonDecoder({ fields: cfg.fields, time: cfg.time }, limits);
    case 'number':
      return new NumberDecoder(cfg.metric, cfg.scale, cfg.offset);
    case 'kv':
      return new KvDecoder(cfg);
    case 'influx':
      return new InfluxDecoder(cfg.precision);
    case 'chirpstack':
      return chirpstackDecoder(cfg, limits);
    case 'ttn':
      return ttnDecoder(cfg, limits);
    case 'tasmota':
      return tasmotaDecoder(cfg, limits);
    case 'zigbee2mqtt':
      return zigbee2mqttDecoder(cfg, limits);
    case 'sparkplug':
      return new SparkplugDecoder(cfg.fields);
  }
}
