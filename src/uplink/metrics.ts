import type { Registry } from 'prom-client';
import type { AlertManager } from '../alerts/manager.js';
import type { Outbox } from '../alerts/outbox.js';
import { type LabelledTotal, scrapedCounter, scrapedGauge } from '../metrics/scrape.js';
import type { UplinkService } from './service.js';

/** Prometheus metrics of the alerts and the uplink, read from their own counters at scrape time. */
export function registerUplinkMetrics(
  registry: Registry,
  parts: { manager: AlertManager; outbox: Outbox; uplink: UplinkService },
): void {
  const { manager, outbox, uplink } = parts;
  const counter = (name: string, help: string, labels: string[], read: () => LabelledTotal[]) =>
    scrapedCounter(registry, name, help, read, labels);
  const gauge = (name: string, help: string, read: () => number) => scrapedGauge(registry, name, help, read);
  counter('ioc_alert_messages_total', 'Alert messages written to the outbox, by state', ['state'], () => [
    [{ state: 'new' }, manager.totals.raised],
    [{ state: 'update' }, manager.totals.updates],
    [{ state: 'end' }, manager.totals.ended],
  ]);
  gauge('ioc_alerts_open', 'Alerts open now', () => manager.health().open);
  gauge(
    'ioc_alert_outbox_messages',
    'Messages waiting in the alert outbox (all destinations)',
    () => outbox.depth,
  );
  gauge(
    'ioc_alert_outbox_bytes',
    'Bytes of the alert outbox as accounted against alerts.outbox.maxBytes',
    () => outbox.sizeBytes,
  );
  counter(
    'ioc_alert_outbox_dropped_total',
    'Outbox messages dropped to stay under its bound, by kind',
    ['kind'],
    () => Object.entries(outbox.dropped).map(([kind, v]) => [{ kind }, v]),
  );
  counter(
    'ioc_uplink_delivered_total',
    'Messages acknowledged by the receiver, by destination',
    ['sink'],
    () => [
      [{ sink: 'mqtt' }, uplink.publisher?.delivered ?? 0],
      [{ sink: 'webhook' }, uplink.webhook?.delivered ?? 0],
    ],
  );
  gauge('ioc_uplink_connected', '1 while connected to the IOC broker', () =>
    uplink.link?.connected ? 1 : 0,
  );
  counter('ioc_uplink_commands_total', 'Remote commands handled', [], () => [[{}, uplink.commands.handled]]);
}
