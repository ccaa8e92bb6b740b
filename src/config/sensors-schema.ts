import { z } from 'zod';
import { SENSOR_SEVERITIES } from '../domain/sensors.js';
import { boundedList, byteSize, duration, mqttUrl, port, slug } from './primitives.js';

const [S, D] = [1000, 86_400_000];

/** Sensor devices one box serves at most. */
export const MAX_SENSOR_DEVICES = 5000;

/** A metric name: it becomes a line-protocol field key and a Prometheus label value. */
const metricName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_.-]{0,63}$/, {
  error: 'expected a metric name: letters, digits, "_", "." or "-", starting with a letter or "_"',
});

/** A path into a JSON payload: "env.temp" (dots between keys), or a list of keys for keys with dots. */
const jsonPath = z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]);

/** A metric taken from the payload: a path, or a path with a linear unit conversion (value × scale + offset). */
const fieldSpec = z.union([
  jsonPath,
  z.strictObject({ path: jsonPath, scale: z.number().default(1), offset: z.number().default(0) }),
]);

const fieldMap = z.record(metricName, fieldSpec);

export const TIME_UNITS = ['auto', 's', 'ms', 'us', 'ns', 'iso'] as const;

/**
 * Where a reading's time comes from: a payload path (a number in s/ms/us/ns or an ISO 8601 string;
 * `auto` tells epoch seconds, ms, µs and ns apart by magnitude), or `arrival` (the gateway's clock).
 */
const timeSpec = z.union([
  z.literal('arrival'),
  jsonPath,
  z.strictObject({ path: jsonPath, unit: z.enum(TIME_UNITS).default('auto') }),
]);

/** A time zone for device-local times without offset (Tasmota): "UTC", "Asia/Ho_Chi_Minh", "+07:00". */
const timeZone = z.string().refine(
  (tz) => {
    if (/^[+-]\d{2}:?\d{2}$/.test(tz)) return true;
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: tz });
      return true;
    } catch {
      return false;
    }
  },
  {
    error: (iss) =>
      `unknown time zone ${JSON.stringify(iss.input)} (an IANA name such as Asia/Ho_Chi_Minh, or +07:00)`,
  },
);

const decoderVariants = z.discriminatedUnion(
  'type',
  [
    z.strictObject({ type: z.literal('json'), fields: fieldMap.optional(), time: timeSpec.optional() }),
    z.strictObject({
      type: z.literal('number'),
      metric: metricName.default('value'),
      scale: z.number().default(1),
      offset: z.number().default(0),
    }),
    z.strictObject({ type: z.literal('kv'), fields: fieldMap.optional(), time: timeSpec.optional() }),
    z.strictObject({
      type: z.literal('influx'),
      /** Timestamp precision of the lines (InfluxDB's default is ns). */
      precision: z.enum(['ns', 'us', 'ms', 's']).default('ns'),
    }),
    z.strictObject({ type: z.literal('chirpstack'), fields: fieldMap.optional(), time: timeSpec.optional() }),
    z.strictObject({ type: z.literal('ttn'), fields: fieldMap.optional(), time: timeSpec.optional() }),
    z.strictObject({
      type: z.literal('tasmota'),
      fields: fieldMap.optional(),
      time: timeSpec.optional(),
      /** Tasmota's `Time` is the device's local wall clock without offset. */
      timeZone: timeZone.default('UTC'),
    }),
    z.strictObject({
      type: z.literal('zigbee2mqtt'),
      fields: fieldMap.optional(),
      time: timeSpec.optional(),
    }),
    z.strictObject({
      type: z.literal('sparkplug'),
      /** metric → Sparkplug metric name (level_m: Inputs/Level); every metric by its name when absent. */
      fields: z.record(metricName, z.string().min(1)).optional(),
    }),
  ],
  {
    error: (iss) =>
      iss.code === 'invalid_union'
        ? `expected one of json, number, kv, influx, chirpstack, ttn, tasmota, zigbee2mqtt, sparkplug, got ${JSON.stringify((iss.input as { type?: unknown })?.type)}`
        : undefined,
  },
);

export const DECODER_TYPES = [
  'json',
  'number',
  'kv',
  'influx',
  'chirpstack',
  'ttn',
  'tasmota',
  'zigbee2mqtt',
  'sparkplug',
] as const;

/** `decoder: number` is short for `decoder: { type: number }`. */
const decoderSchema = z.preprocess(
  (v) => (typeof v === 'string' ? { type: v } : v),
  decoderVariants,
) as unknown as typeof decoderVariants;

const severity = z.enum(SENSOR_SEVERITIES).default('warning');

const thresholdRule = z.strictObject({
  metric: metricName,
  /** Raised at `raise` (≥ when clear < raise, ≤ when clear > raise), cleared past `clear`. */
  raise: z.number(),
  clear: z.number().optional(),
  /** The condition must hold this long before the alert is raised. */
  for: duration({ min: 0, max: D }).prefault(0),
  severity,
});

const rateRule = z.strictObject({
  metric: metricName,
  /** Raised when the value changes by at least this much per minute (either direction). */
  rate: z.number().positive(),
  /** Cleared when the change per minute falls below this (default: half of `rate`). */
  clearRate: z.number().nonnegative().optional(),
  severity,
});

const offlineRule = z.strictObject({
  /** Raised when no reading came for this many expected intervals; cleared by the next reading. */
  offline: z.number().positive(),
  severity,
});

const ruleSchema = z.union([thresholdRule, rateRule, offlineRule], {
  error:
    'expected a rule: { metric, raise, clear?, for?, severity? }, { metric, rate, clearRate?, severity? } or { offline: k, severity? }',
});

const metricSpec = z.strictObject({
  unit: z.string().min(1).optional(),
  min: z.number().optional(),
  max: z.number().optional(),
});

export const sensorDeviceSchema = z.strictObject({
  id: slug,
  type: slug,
  /** Site tag of the device's points (the node's site when absent). */
  site: slug.optional(),
  location: z
    .strictObject({ lat: z.number().min(-90).max(90), lon: z.number().min(-180).max(180) })
    .optional(),
  /**
   * Topic the device publishes to. With `+` levels it is a pattern shared with other devices: the
   * device is the one whose `key` (default: its id) stands at the last `+` level, or at `idLevel`.
   */
  topic: z.string().min(1),
  idLevel: z.number().int().min(0).max(31).optional(),
  /** What identifies the device in its topic (DevEUI, Tasmota or Zigbee2MQTT name); default: id. */
  key: z.string().min(1).optional(),
  decoder: decoderSchema.prefault({ type: 'json' }),
  /** Expected time between readings; enables the offline rule (default k = sensors.offlineAfter). */
  interval: duration({ min: S, max: 30 * D, notATimer: true }).optional(),
  /** Unit and valid range per metric; a reading outside the range is rejected. */
  metrics: z.record(metricName, metricSpec).default({}),
  rules: boundedList(ruleSchema, 32, 'rules a device').default([]),
});

export const sensorsSchema = z.strictObject({
  /** The local sensor bus; the embedded broker when it points at it. */
  broker: mqttUrl.default('mqtt://127.0.0.1:1883'),
  username: z.string().optional(),
  password: z.string().optional(),
  /** Fixed client id of the persistent session (default ioc-edge-<node id>-sensors). */
  clientId: z.string().min(1).max(64).optional(),
  /** MQTT 5 (receive maximum 65535, session kept 7 days) or 3.1.1; default 5, 3.1.1 on the embedded broker. */
  protocolVersion: z.union([z.literal(4), z.literal(5)]).optional(),
  tls: z
    .strictObject({
      /** PEM files. */
      ca: z.string().min(1).optional(),
      cert: z.string().min(1).optional(),
      key: z.string().min(1).optional(),
      rejectUnauthorized: z.boolean().default(true),
    })
    .optional(),
  /**
   * When a reading is acknowledged to the broker: once committed to the spool (survives a crash of the
   * process), or once the spool's WAL is also synced to the disk (survives a power cut; acks wait up to
   * syncInterval, and intake is bounded to ~4,000 readings per sync).
   */
  ackAfter: z.enum(['commit', 'sync']).default('commit'),
  /** How often the spool's WAL is synced to the disk (a checkpoint) while readings arrive. */
  syncInterval: duration({ min: 10, max: 60 * S }).prefault('200ms'),
  /** Extra subscriptions besides the devices' topics (e.g. to dead-letter unknown devices). */
  subscribe: boundedList(z.string().min(1), 64, 'subscriptions').default([]),
  maxPayload: byteSize.prefault(65_536),
  maxJsonDepth: z.number().int().min(1).max(1000).default(32),
  /** Readings further in the future than this are rejected (or clamped to now). */
  maxFutureSkew: duration({ min: 0, max: 365 * D, notATimer: true }).prefault('5m'),
  /** Readings older than this are rejected (or clamped): buffered LoRaWAN uplinks stay well inside. */
  maxAge: duration({ min: 60 * S, max: 3650 * D, notATimer: true }).prefault('30d'),
  skew: z.enum(['reject', 'clamp']).default('reject'),
  /** A message on a subscribed topic naming no configured device: dead-lettered, or dropped (counted). */
  unknownDevices: z.enum(['reject', 'drop']).default('reject'),
  /** Rejected messages are republished here with the reason ({node} and {site} are filled in). */
  deadLetterTopic: z.string().min(1).default('ioc-edge/{node}/sensors/rejected'),
  /** How many rejected messages are kept for `ioc-edge sensors --rejected`. */
  keepRejected: z.number().int().min(0).max(1_000_000).default(1000),
  /** Default k of the offline rule: no reading for k × interval. */
  offlineAfter: z.number().positive().default(3),
  devices: boundedList(sensorDeviceSchema, MAX_SENSOR_DEVICES, 'sensor devices a box').default([]),
});

const brokerUser = z.strictObject({
  username: z.string().min(1),
  password: z.string().min(1),
  /** gateway: any topic; sensor: publish under its devices' topics only, subscribe nowhere. */
  role: z.enum(['gateway', 'sensor']).default('sensor'),
  /** For role sensor: the devices (ids) it may publish for; all configured devices when absent. */
  devices: boundedList(slug, MAX_SENSOR_DEVICES, 'devices').min(1).optional(),
});

export const mqttBrokerSchema = z.strictObject({
  /** Run an MQTT broker inside the gateway for sensors and local uplink (no Mosquitto needed). */
  embedded: z.boolean().default(true),
  /** 127.0.0.1 unless the sensors are on the network: then set users and anonymous: none. */
  host: z.string().default('127.0.0.1'),
  port: port.prefault(1883),
  users: boundedList(brokerUser, 1000, 'users').default([]),
  /** Clients without credentials: refused, from loopback only, or from anywhere; always sensor role. */
  anonymous: z.enum(['none', 'loopback', 'any']).default('loopback'),
  /** Larger packets close the connection before they are buffered. */
  maxPacketSize: byteSize.prefault('256KB'),
  maxClients: z.number().int().min(1).max(100_000).default(200),
  /** Per client (not the gateway's): publishes per second beyond which it is disconnected. */
  maxPublishRate: z.number().int().min(1).default(1000),
  /** Retained messages: at most this many, this large each; the retain flag is dropped beyond. */
  maxRetained: z.number().int().min(0).default(1000),
  maxRetainedSize: byteSize.prefault('16KB'),
});
