import { join } from 'node:path';
import type { InfluxConfig } from '../../src/config/schema.js';
import { createLogger, type Logger } from '../../src/log/logger.js';
import { Store } from '../../src/store/store.js';
import { TimeSeriesService, type TimeSeriesServiceOptions } from '../../src/timeseries/service.js';
import { waitUntil } from './process.js';

export function influxConfig(overrides: Partial<InfluxConfig> = {}): InfluxConfig {
  return {
    api: 'v1',
    database: 'ioc',
    precision: 'ms',
    gzip: true,
    batchSize: 5000,
    flushInterval: 100,
    timeout: 5000,
    replayRate: 50_000,
    spool: { maxBytes: 2_000_000_000, keepFree: 256_000_000 },
    ...overrides,
  } as InfluxConfig;
}

export function quietLogger(): Logger {
  return createLogger({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });
}

/** A service on its own store file in `dir`, fast backoff for tests, no node_health timer. */
export function makeService(
  dir: string,
  influx: InfluxConfig,
  extra: Partial<TimeSeriesServiceOptions> = {},
): { service: TimeSeriesService; store: Store } {
  const store = new Store(join(dir, 'gateway.db'));
  const service = new TimeSeriesService({
    influx,
    store,
    defaultTags: { node: 'n1', site: 'bd' },
    log: quietLogger(),
    backoffBaseMs: 100,
    backoffMaxMs: 1000,
    nodeHealthIntervalMs: 0,
    ...extra,
  });
  return { service, store };
}

/** `waitUntil` for in-process state: waits (bounded) until `probe` is true, polling every 50 ms. */
export function eventually(what: string, probe: () => boolean | Promise<boolean>, timeoutMs = 20_000) {
  return waitUntil(what, async () => probe(), { timeoutMs });
}
