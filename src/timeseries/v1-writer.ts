import { promisify } from 'node:util';
import { gzip as gzipCb, constants as zlib } from 'node:zlib';
import { redactUrl } from '../log/redact.js';
import type { HttpWriter, HttpWriterOptions } from './http-writer.js';
import type { Precision } from './point.js';
import { failedOutcome, httpOutcome, type WriteOutcome } from './write-outcome.js';

const gzip = promisify(gzipCb);

/**
 * Level 1, and an output buffer large enough for the whole body: with zlib's default 16 KiB chunks a
 * 20,000-line batch took ~12 round trips between the thread pool and the event loop, each waiting for
 * a busy main thread (~400 ms per batch during a sensor burst instead of ~10 ms of deflating).
 */
function gzipOptions(text: string) {
  return { level: zlib.Z_BEST_SPEED, chunkSize: Math.max(64 * 1024, text.length >> 2) };
}

/** Wire precision names of InfluxDB 1.x /write. */
const V1_PRECISION: Record<Precision, string> = { ns: 'n', us: 'u', ms: 'ms', s: 's' };

/**
 * InfluxDB 1.x: `POST /write?db=&rp=&precision=` with Basic auth, over fetch (the official v2 client
 * has nothing for 1.x beyond its 1.8 compatibility endpoint, which 1.6 lacks).
 */
export class V1Writer implements HttpWriter {
  private readonly base: string;
  private readonly headers: Record<string, string>;
  readonly safeUrl: string;
  private readonly closing = new AbortController();

  constructor(private readonly opts: HttpWriterOptions) {
    if (!opts.database) throw new Error('influx.database is required when influx.api is v1');
    const u = new URL(opts.url);
    u.pathname = `${u.pathname.replace(/\/+$/, '')}/write`;
    u.search = '';
    // fetch refuses URLs with credentials: take user:password@ from the URL as Basic auth instead.
    const urlUser = decodeURIComponent(u.username);
    const urlPassword = decodeURIComponent(u.password);
    u.username = '';
    u.password = '';
    u.searchParams.set('db', opts.database);
    if (opts.retentionPolicy) u.searchParams.set('rp', opts.retentionPolicy);
    this.base = u.toString();
    this.safeUrl = redactUrl(opts.url);
    this.headers = { 'content-type': 'text/plain; charset=utf-8' };
    if (opts.gzip) this.headers['content-encoding'] = 'gzip';
    const user = opts.username ?? (urlUser || undefined);
    if (user) {
      const cred = Buffer.from(`${user}:${opts.password ?? urlPassword}`).toString('base64');
      this.headers.authorization = `Basic ${cred}`;
    }
  }

  close(): void {
    this.closing.abort(new Error('time series writer closed'));
  }

  async write(
    lines: readonly string[],
    from: number,
    to: number,
    precision: Precision,
  ): Promise<WriteOutcome> {
    let text = lines[from]!;
    for (let i = from + 1; i < to; i++) text += `\n${lines[i]!}`;
    const timeout = AbortSignal.timeout(this.opts.timeoutMs);
    try {
      const body = this.opts.gzip ? await gzip(text, gzipOptions(text)) : text;
      const res = await fetch(`${this.base}&precision=${V1_PRECISION[precision]}`, {
        method: 'POST',
        headers: this.headers,
        body,
        signal: AbortSignal.any([this.closing.signal, timeout]),
      });
      return httpOutcome(res.status, await res.text(), res.headers.get('retry-after'));
    } catch (err) {
      return failedOutcome(err, this.closing.signal.aborted, timeout.aborted);
    }
  }
}
