import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { InfluxConfig } from '../../src/config/schema.js';
import { createLogger, type Logger } from '../../src/log/logger.js';
import { Store } from '../../src/store/store.js';
import { TimeSeriesService, type TimeSeriesServiceOptions } from '../../src/timeseries/service.js';
import { type ServerProcess, startProcess, waitUntil } from './process.js';

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

/** The last state line of test/support/timeseries-writer.ts: highest committed seq, spool depth, points sent. */
export interface WriterState {
  acked: number;
  depth: number;
  sent: number;
}

/**
 * test/support/timeseries-writer.ts as a child process writing `rate` points/s from seq `from` into
 * database `database` at `url`, its spool in `dir` (SIGKILL it to crash it); `state()` is its latest line.
 */
export function startTimeseriesWriter(
  dir: string,
  url: string,
  database: string,
  from: number,
  rate: number,
): { p: ServerProcess; state: () => WriterState } {
  const p = startProcess('timeseries-writer', process.execPath, [
    '--import',
    'tsx',
    'test/support/timeseries-writer.ts',
    dir,
    url,
    database,
    String(from),
    String(rate),
  ]);
  let last: WriterState = { acked: -1, depth: -1, sent: 0 };
  createInterface({ input: p.child.stdout! }).on('line', (l) => {
    last = JSON.parse(l);
  });
  return { p, state: () => last };
}
