import { Agent as HttpAgent, validateHeaderValue } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { HttpError, InfluxDB, type SendOptions, type Transport } from '@influxdata/influxdb-client';
import { redactUrl } from '../log/redact.js';
import type { HttpWriter, HttpWriterOptions } from './http-writer.js';
import type { Precision } from './point.js';
import { failedOutcome, httpOutcome, OK, type WriteOutcome } from './write-outcome.js';

/**
 * The `/api/v2/write?org=&bucket=&precision=` API (InfluxDB 2.x, 3.x, VictoriaMetrics) through
 * @influxdata/influxdb-client's Transport: it owns the URL's context path, `Authorization: Token`,
 * gzip (`gzipThreshold`) and turns an error answer into an HttpError with its status, body and headers.
 *
 * Not its WriteApi, which is built to be the buffer itself: its timer flushes and in-memory retries can
 * be switched off (flushInterval 0, maxRetries 0), but a flush it starts on its own when batchSize or
 * maxBatchBytes is reached has its error swallowed, a failure is logged to the console unless writeFailed
 * takes it over, a 200 answer is an error ("204 expected"), and there is no per-request deadline or abort
 * (close() leaves the request in flight running). The drainer needs one request per write(), the real
 * answer, and nothing buffered or retried behind the spool's back.
 */
export class V2Writer implements HttpWriter {
  readonly safeUrl: string;
  private readonly transport: Transport;
  private readonly agent: HttpAgent;
  private readonly path: string;
  private readonly closing = new AbortController();

  constructor(private readonly opts: HttpWriterOptions) {
    if (!opts.org || !opts.bucket) {
      throw new Error('influx.org and influx.bucket are required when influx.api is v2');
    }
    if (opts.token) {
      // Checked here: the client sets headers inside its gzip callback, where a throw would be uncaught.
      try {
        validateHeaderValue('authorization', `Token ${opts.token}`);
      } catch {
        throw new Error('influx.token is not a valid HTTP header value (a newline or control character?)');
      }
    }
    const u = new URL(opts.url);
    this.safeUrl = redactUrl(opts.url);
    // Our own keep-alive pool, destroyed on close(): no socket outlives the writer.
    this.agent =
      u.protocol === 'https:' ? new HttpsAgent({ keepAlive: true }) : new HttpAgent({ keepAlive: true });
    this.transport = new InfluxDB({
      url: `${u.origin}${u.pathname.replace(/\/+$/, '')}`,
      token: opts.token,
      // The deadline is the per-request signal below, which also destroys the socket; the client's own
      // `timeout` is a socket idle timeout that reports an error but leaves the request running.
      timeout: 0,
      transportOptions: { agent: this.agent },
    }).transport;
    const q = new URLSearchParams({ org: opts.org, bucket: opts.bucket });
    this.path = `/api/v2/write?${q}&precision=`;
  }

  close(): void {
    this.closing.abort(new Error('time series writer closed'));
    this.agent.destroy();
  }

  write(lines: readonly string[], from: number, to: number, precision: Precision): Promise<WriteOutcome> {
    let text = lines[from]!;
    for (let i = from + 1; i < to; i++) text += `\n${lines[i]!}`;
    const timeout = AbortSignal.timeout(this.opts.timeoutMs);
    const options: SendOptions = {
      method: 'POST',
      headers: { 'content-type': 'text/plain; charset=utf-8' },
      // 0: gzip every non-empty body (the client compresses bodies larger than the threshold).
      gzipThreshold: this.opts.gzip ? 0 : undefined,
      signal: AbortSignal.any([this.closing.signal, timeout]),
    };
    return new Promise((resolve) => {
      const failed = (err: unknown) =>
        resolve(failedOutcome(err, this.closing.signal.aborted, timeout.aborted));
      if (this.closing.signal.aborted) return failed(undefined);
      try {
        this.transport.send(this.path + precision, text, options, {
          // A 2xx completes; an answer from 300 up is an HttpError with its status, body and headers.
          complete: () => resolve(OK),
          error: (err) => {
            if (!(err instanceof HttpError)) return failed(err);
            const retryAfter = err.headers?.['retry-after'];
            const ra = Array.isArray(retryAfter) ? retryAfter[0] : retryAfter;
            resolve(httpOutcome(err.statusCode, err.body ?? '', ra));
          },
        });
      } catch (err) {
        failed(err); // write() never throws
      }
    });
  }
}
