import { Gauge, type Registry } from 'prom-client';
import { type LabelledTotal, scrapedCounter } from '../metrics/scrape.js';
import { REJECT_REASONS } from './decoders/decoded.js';
import type { SensorService } from './service.js';

/** Prometheus metrics of the sensor path, read from plain counters at scrape time (nothing per message). */
export function registerSensorMetrics(registry: Registry, s: SensorService): void {
  const counter = (name: string, help: string, labels: string[], read: () => LabelledTotal[]) =>
    scrapedCounter(registry, name, help, read, labels);
  counter('ioc_sensor_messages_total', 'MQTT messages received on sensor topics', [], () => [
    [{}, s.ingest.messages],
  ]);
  counter('ioc_sensor_readings_total', 'Valid readings (metric values) stored, per device', ['device'], () =>
    s.registry.devices.map((d) => [{ device: d.id }, d.readings]),
  );
  counter(
    'ioc_sensor_rejected_total',
    'Messages rejected, per reason (kept and dead-lettered)',
    ['reason'],
    () => REJECT_REASONS.map((r, i) => [{ reason: r }, s.ingest.rejectedBy[i]!]),
  );
  counter(
    'ioc_sensor_dropped_total',
    'Messages of unknown devices dropped (unknownDevices: drop)',
    [],
    () => [[{}, s.ingest.dropped]],
  );
  counter('ioc_sensor_rule_events_total', 'Rule events (raise, clear)', ['state'], () => [
    [{ state: 'raise' }, s.ruleEvents.raise],
    [{ state: 'clear' }, s.ruleEvents.clear],
  ]);
  new Gauge({
    name: 'ioc_sensor_connected',
    help: '1 while connected to the sensor broker',
    registers: [registry],
    collect() {
      this.set(s.connected ? 1 : 0);
    },
  });
  new Gauge({
    name: 'ioc_sensor_last_seen_age_seconds',
    help: 'Seconds since the last stored reading of each device',
    labelNames: ['device'],
    registers: [registry],
    collect() {
      const now = Date.now();
      for (const d of s.registry.devices)
        if (d.lastSeenMs) this.set({ device: d.id }, Math.max(0, (now - d.lastSeenMs) / 1000));
    },
  });
}
