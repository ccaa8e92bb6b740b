import type { Registry } from 'prom-client';
import { scrapedCounter, scrapedGauge } from '../metrics/scrape.js';
import type { TimeSeriesService } from './service.js';

/**
 * Prometheus metrics for the time-series path, read from the service's own counters at scrape time so
 * the per-point path never touches prom-client.
 */
export function registerTimeSeriesMetrics(registry: Registry, ts: TimeSeriesService): void {
  const counter = (name: string, help: string, read: () => number) =>
    scrapedCounter(registry, name, help, read);
  const gauge = (name: string, help: string, read: () => number) => scrapedGauge(registry, name, help, read);
  counter(
    'ioc_timeseries_points_accepted_total',
    'Points accepted by the time-series sink',
    () => ts.sink.accepted,
  );
  counter(
    'ioc_timeseries_points_committed_total',
    'Points committed to the durable spool',
    () => ts.sink.committed,
  );
  counter(
    'ioc_timeseries_points_invalid_total',
    'Points refused because they cannot be encoded',
    () => ts.sink.invalid,
  );
  counter(
    'ioc_timeseries_points_sent_total',
    'Points acknowledged by the time-series server',
    () => ts.drainer?.sent ?? 0,
  );
  counter(
    'ioc_timeseries_points_dropped_total',
    'Oldest points dropped because the spool was full',
    () => ts.spool.dropped,
  );
  counter(
    'ioc_timeseries_points_dead_lettered_total',
    'Points the server rejected as bad, moved to the dead-letter table',
    () => ts.spool.deadLettered,
  );
  counter(
    'ioc_timeseries_requests_total',
    'Write requests sent to the time-series server',
    () => ts.drainer?.requests ?? 0,
  );
  gauge('ioc_timeseries_spool_points', 'Points waiting in the spool', () => ts.spool.depth);
  gauge(
    'ioc_timeseries_spool_bytes',
    'Bytes of spooled rows (accounting estimate)',
    () => ts.spool.sizeBytes,
  );
  gauge('ioc_timeseries_spool_max_bytes', 'Configured spool bound', () => ts.spool.maxBytes);
  gauge('ioc_timeseries_spool_oldest_age_seconds', 'Age of the oldest spooled point', () => {
    const at = ts.spool.oldestAt();
    return at === null ? 0 : Math.max(0, (Date.now() - at) / 1000);
  });
  gauge('ioc_timeseries_server_up', '1 when the last write to the server succeeded, 0 while retrying', () =>
    ts.drainer && !ts.drainer.failing && ts.drainer.state !== 'stopped' ? 1 : 0,
  );
}
