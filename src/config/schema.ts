// The config file's schema, assembled from one schema per section (and the checks across sections).
import { z } from 'zod';
import { alertsSchema } from './alerts-schema.js';
import { apiSchema } from './api-schema.js';
import { cameraSchema } from './camera-schema.js';
import { checkCrossReferences, type DeepPartial } from './cross-references.js';
import { detectorSchema } from './detector-schema.js';
import { boundedList, logLevel, slug } from './primitives.js';
import { mqttBrokerSchema, sensorsSchema } from './sensors-schema.js';
import { influxSchema } from './timeseries-schema.js';
import { uplinkSchema } from './uplink-schema.js';

export { cameraSchema, HWACCELS, INPUT_ROLES, lineSchema, zoneSchema } from './camera-schema.js';

/** Cameras one box runs at most (a 2-core box runs 4-16; larger boxes fewer than this). */
export const MAX_CAMERAS = 64;

const location = z.strictObject({
  lat: z.number().min(-90).max(90),
  lon: z.number().min(-180).max(180),
});

const nodeSchema = z.strictObject({
  id: slug,
  site: slug,
  name: z.string().min(1).optional(),
  location: location.optional(),
});

const logSchema = z.strictObject({
  level: logLevel.default('info'),
  /** Human-readable logs; default: when stdout is a terminal. */
  pretty: z.boolean().optional(),
});

const configShape = z.strictObject({
  node: nodeSchema,
  log: logSchema.prefault({}),
  /** Snapshots, clips and the store live here unless given their own paths. */
  dataDir: z.string().min(1).default('var'),
  store: z.strictObject({ path: z.string().min(1).optional() }).prefault({}),
  models: z.strictObject({ dir: z.string().min(1).optional() }).prefault({}),
  detector: detectorSchema.prefault({}),
  cameras: boundedList(cameraSchema, MAX_CAMERAS, 'cameras a box').default([]),
  mqtt: z.strictObject({ broker: mqttBrokerSchema.prefault({}) }).prefault({}),
  sensors: sensorsSchema.prefault({}),
  influx: influxSchema.prefault({}),
  uplink: uplinkSchema.prefault({}),
  alerts: alertsSchema.prefault({}),
  api: apiSchema.prefault({}),
});

export const configSchema = configShape
  // Runs even when other parts failed, so one pass lists every problem; the value may then be partial.
  .superRefine((cfg, ctx) => checkCrossReferences(cfg as DeepPartial<typeof cfg>, ctx), { when: () => true });

export type ConfigInput = z.input<typeof configSchema>;
export type Config = z.output<typeof configSchema>;
export type CameraConfig = Config['cameras'][number];
export type CameraInputConfig = NonNullable<CameraConfig['inputs']>[number];
export type LineConfig = CameraConfig['lines'][number];
export type ZoneConfig = CameraConfig['zones'][number];
export type DetectorConfig = Config['detector'];
export type InfluxConfig = Config['influx'];
export type UplinkConfig = Config['uplink'];
export type AlertsConfig = Config['alerts'];
export type SensorsConfig = Config['sensors'];
export type SensorDeviceConfig = SensorsConfig['devices'][number];
export type MqttBrokerConfig = Config['mqtt']['broker'];
export type ApiConfig = Config['api'];
