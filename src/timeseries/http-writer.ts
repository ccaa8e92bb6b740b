import type { Precision } from './point.js';
import { V1Writer } from './v1-writer.js';
import { V2Writer } from './v2-writer.js';
import type { WriteOutcome } from './write-outcome.js';

export { parseRetryAfter, type WriteOutcome } from './write-outcome.js';

export interface HttpWriterOptions {
  url: string;
  api: 'v1' | 'v2';
  database?: string;
  retentionPolicy?: string;
  username?: string;
  password?: string;
  org?: string;
  bucket?: string;
  token?: string;
  gzip: boolean;
  timeoutMs: number;
}

/**
 * Sends line-protocol batches to the time series server: one request per `write()`, whose answer is
 * classified for the drainer. Retries, splitting and dead-lettering are the drainer's, so nothing is
 * buffered or retried behind the spool's back.
 */
export interface HttpWriter {
  /** The server URL with credentials redacted, for logs. */
  readonly safeUrl: string;
  /** Writes `lines[from..to)` joined by newlines at `precision`. Never throws. */
  write(lines: readonly string[], from: number, to: number, precision: Precision): Promise<WriteOutcome>;
  /** Aborts the request in flight (it counts as failed: its rows stay in the spool) and refuses new ones. */
  close(): void;
}

/**
 * `v1`: InfluxDB 1.x `/write` over fetch (1.6 has no v2 API). `v2`: the `/api/v2/write` API of InfluxDB
 * 2.x/3.x and VictoriaMetrics through @influxdata/influxdb-client.
 */
export function createHttpWriter(opts: HttpWriterOptions): HttpWriter {
  return opts.api === 'v1' ? new V1Writer(opts) : new V2Writer(opts);
}
