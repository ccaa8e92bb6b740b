import type { SensorRuleEvent } from '../sensors/events.js';
import type { AlertSignal } from './alert.js';
import { fromSensorSeverity } from './severity.js';

/** A sensor rule's raise or clear; each (device, rule, metric) is its own alert. */
export function sensorSignal(e: SensorRuleEvent): AlertSignal {
  const s: AlertSignal = {
    state: e.state,
    source: { kind: 'sensor', id: e.device },
    type: `sensor_${e.rule}`,
    severity: fromSensorSeverity(e.severity),
    timeMs: e.timeMs,
    detail: e.detail,
  };
  if (e.metric !== undefined) s.metric = e.metric;
  if (e.value !== undefined) s.value = e.value;
  if (e.threshold !== undefined) s.threshold = e.threshold;
  if (e.unit !== undefined) s.unit = e.unit;
  return s;
}
