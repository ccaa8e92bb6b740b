/**
 * What the sensor path hands to the rest of the gateway. Readings go to the time series (one `sensor`
 * point each); rule decisions go to the alerts (which turn them into delivered alerts).
 */

/**
 * One validated value of one metric of one device. The sensor path hands on one reused object: a handler
 * copies what it keeps.
 */
export interface SensorReading {
  type: 'reading';
  /** Device id from the registry (config `sensors.devices[].id`). */
  device: string;
  /** Device type from the registry, e.g. `air_quality`, `water_level`. */
  deviceType: string;
  metric: string;
  value: number;
  unit?: string;
  /** Epoch ms: the device's own time when the payload carries one, else arrival time. */
  timeMs: number;
}

import type { SensorSeverity } from '../domain/sensors.js';

export type { SensorSeverity };

/**
 * A sensor rule changed state: `raise` once when its condition starts (after hysteresis and `for`),
 * `clear` once when it ends. Flapping around a threshold gives one raise, not ten.
 */
export interface SensorRuleEvent {
  type: 'sensor_rule';
  state: 'raise' | 'clear';
  /** `offline`: no reading for k x the device's expected interval (`metric` is then undefined). */
  rule: 'threshold' | 'rate' | 'offline';
  device: string;
  deviceType: string;
  metric?: string;
  /** The value that decided it, and the threshold (or rate limit per minute) it was held against. */
  value?: number;
  threshold?: number;
  unit?: string;
  severity: SensorSeverity;
  /** Epoch ms of the deciding reading (or of the decision, for offline). */
  timeMs: number;
  /** English, one line, e.g. "pm25 62.1 µg/m³ ≥ 55.5 for 120 s". */
  detail: string;
}

export type SensorEvent = SensorReading | SensorRuleEvent;
