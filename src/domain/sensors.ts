/** How serious a sensor rule's alert is (config `sensors.devices[].rules[].severity`). */
export const SENSOR_SEVERITIES = ['info', 'warning', 'critical'] as const;
export type SensorSeverity = (typeof SENSOR_SEVERITIES)[number];
