import { promisify } from 'node:util';
import { gzip as gzipCb, constants as zlib } from 'node:zlib';
import { redactUrl } from '../log/redact.js';
import type { Precision } from './point.js';

const gzip = promisify(gzipCb);

/** The outcome of one write request, classified for the drainer. */
export type WriteOutcome =
  | { kind: 'ok' }
  /** The server refused the content (400, 413, 422): split the batch to find the bad line. */
  | { kind: 'rejected'; status: number; message: string }
  /** Transient (5xx, 429, timeout, connection error) or configuration (401, 403, 404): keep and retry. */
  | { kind: 'retry'; status?: number; message: string; retryAfterMs?: number };

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

/** Wire precision names: InfluxDB 1.x /write uses n/u/ms/s, /api/v2/write uses ns/us/ms/s. */
const V1_PRECISION: Record<Precision, string> = { ns: 'n', us: 'u', ms: 'ms', s: 's' };

/**
 * Sends line-protocol batches to InfluxDB 1.x (`/write?db=&rp=&precision=`, Basic auth) or to the v2
 * write API shared by InfluxDB 2.x, 3.x and VictoriaMetrics (`/api/v2/write?org=&bucket=&precision=`,
 * `Authorization: Token`). It does one request per call and classifies the answer; retries, splitting
 * and dead-lettering are the drainer's, so nothing is buffered or retried behind the spool's back (which
 * is why this uses fetch rather than @influxdata/influxdb-client's WriteApi with its own retry buffer).
 */
export class HttpWriter {
  private readonly base: string;
  private readonly headers: Record<string, string>;
  readonly safeUrl: string;
  private readonly closing = new AbortController();

  constructor(private readonly opts: HttpWriterOptions) {
    const u = new URL(opts.url);
    u.pathname = `${u.pathname.replace(/\/+$/, '')}${opts.api === 'v1' ? '/write' : '/api/v2/write'}`;
    u.search = '';
    // fetch refuses URLs with credentials: take user:password@ from the URL as Basic auth instead.
    const urlUser = decodeURIComponent(u.username);
    const urlPassword = decodeURIComponent(u.password);
    u.username = '';
    u.password = '';
    if (opts.api === 'v1') {
      if (!opts.database) throw new Error('influx.database is required when influx.api is v1');
      u.searchParams.set('db', opts.database);
      if (opts.retentionPolicy) u.searchParams.set('rp', opts.retentionPolicy);
    } else {
      if (!opts.org || !opts.bucket)
        throw new Error('influx.org and influx.bucket are required when influx.api is v2');
      u.searchParams.set('org', opts.org);
      u.searchParams.set('bucket', opts.bucket);
    }
    this.base = u.toString();
    this.safeUrl = redactUrl(opts.url);
    this.headers = { 'content-type': 'text/plain; charset=utf-8' };
    if (opts.gzip) this.headers['content-encoding'] = 'gzip';
    const user = opts.username ?? (urlUser || undefined);
    if (opts.api === 'v1' && user) {
      const cred = Buffer.from(`${user}:${opts.password ?? urlPassword}`).toString('base64');
      this.headers.authorization = `Basic ${cred}`;
    } else if (opts.api === 'v2' && opts.token) {
      this.headers.authorization = `Token ${opts.token}`;
    }
  }

  /** Aborts the request in flight (it counts as failed: its rows stay in the spool) and refuses new ones. */
  close(): void {
    this.closing.abort(new Error('time series writer closed'));
  }

  /** Writes `lines[from..to)` joined by newlines at `precision`. Never throws. */
  async write(
    lines: readonly string[],
    from: number,
    to: number,
    precision: Precision,
  ): Promise<WriteOutcome> {
    let text = lines[from]!;
    for (let i = from + 1; i < to; i++) text += `\n${lines[i]!}`;
    const precisionParam = this.opts.api === 'v1' ? V1_PRECISION[precision] : precision;
    const url = `${this.base}&precision=${precisionParam}`;
    try {
      const body = this.opts.gzip ? await gzip(text, { level: zlib.Z_BEST_SPEED }) : text;
      const res = await fetch(url, {
        method: 'POST',
        headers: this.headers,
        body,
        signal: AbortSignal.any([this.closing.signal, AbortSignal.timeout(this.opts.timeoutMs)]),
      });
      const answer = await res.text();
      if (res.status >= 200 && res.status < 300) return { kind: 'ok' };
      const message = `HTTP ${res.status}: ${serverMessage(answer)}`;
      if (res.status === 400 || res.status === 413 || res.status === 422) {
        return { kind: 'rejected', status: res.status, message };
      }
      return {
        kind: 'retry',
        status: res.status,
        message,
        retryAfterMs: parseRetryAfter(res.headers.get('retry-after')),
      };
    } catch (err) {
      return { kind: 'retry', message: describeFetchError(err) };
    }
  }
}

/** The `error`/`message` of a JSON error body, or the trimmed text. */
function serverMessage(body: string): string {
  const t = body.trim();
  if (t.startsWith('{')) {
    try {
      const j = JSON.parse(t) as { error?: string; message?: string };
      const m = j.error ?? j.message;
      if (typeof m === 'string') return m.slice(0, 2000);
    } catch {
      // not JSON after all
    }
  }
  return t.slice(0, 2000) || '(empty body)';
}

/** Retry-After as seconds or an HTTP date, in ms; undefined when absent or unparsable. */
export function parseRetryAfter(v: string | null, now = Date.now()): number | undefined {
  if (!v) return undefined;
  const s = v.trim();
  if (/^\d+(\.\d+)?$/.test(s)) return Math.round(Number(s) * 1000);
  const t = Date.parse(s);
  return Number.isNaN(t) ? undefined : Math.max(0, t - now);
}

function describeFetchError(err: unknown): string {
  const e = err as Error & { cause?: { code?: string; message?: string } };
  if (e?.name === 'TimeoutError') return 'timed out';
  if (e?.name === 'AbortError') return 'aborted';
  const cause = e?.cause?.code ?? e?.cause?.message;
  return cause ? `${e.message} (${cause})` : String(e?.message ?? err);
}
