import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { Outbox, OutboxRow } from '../alerts/outbox.js';
import type { UplinkConfig } from '../config/schema.js';
import { Backoff } from '../lifecycle/backoff.js';
import type { Logger } from '../log/logger.js';
import { redactUrl } from '../log/redact.js';

export const WEBHOOK_SINK = 'webhook';

export type WebhookConfig = NonNullable<UplinkConfig['webhook']>;

/** `sha256=<hex>` of HMAC-SHA256(secret, `${timestamp}.${body}`): what receivers recompute to verify. */
export function webhookSignature(secret: string, timestamp: string, body: Buffer): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.`).update(body).digest('hex')}`;
}

interface Answer {
  status: number;
  body: string;
  retryAfterMs?: number;
}

/**
 * Delivers the outbox's `webhook` rows to a police dispatch system, one at a time in order: a JSON POST per
 * alert message, an image/jpeg POST per evidence picture, each signed (X-IOC-Timestamp, X-IOC-Signature)
 * and carrying a delivery id that stays the same across retries (X-IOC-Delivery). 2xx deletes the row; a
 * 4xx other than 408/425/429 is the receiver's final word: dead-lettered with its answer. Anything else
 * (unreachable, 5xx, timeout) is retried with the project's backoff, honouring Retry-After.
 */
export class WebhookSender {
  private readonly url: URL;
  private readonly agent: http.Agent;
  private readonly backoff: Backoff;
  private running = false;
  private stopped = false;
  /** Resolves the wait for new rows (when the outbox is empty). */
  private wake: (() => void) | undefined;
  /** Cuts the retry wait short (stop only: new rows must not hurry a retry). */
  private interrupt: (() => void) | undefined;
  private timer: NodeJS.Timeout | undefined;
  private loop: Promise<void> | undefined;
  private failures = 0;
  delivered = 0;
  lastError: string | undefined;

  constructor(
    private readonly cfg: WebhookConfig,
    private readonly outbox: Outbox,
    private readonly nodeId: string,
    private readonly log: Logger,
    backoff: { initialMs?: number; maxMs?: number } = {},
  ) {
    this.url = new URL(cfg.url);
    const ca = cfg.ca ? readCa(cfg.ca) : undefined;
    this.agent =
      this.url.protocol === 'https:'
        ? new https.Agent({ keepAlive: true, maxSockets: 1, ca })
        : new http.Agent({ keepAlive: true, maxSockets: 1 });
    this.backoff = new Backoff({
      initialMs: backoff.initialMs ?? 1000,
      maxMs: backoff.maxMs ?? 300_000,
      jitter: [0.5, 1],
    });
    outbox.onAppend((sink) => {
      if (sink === WEBHOOK_SINK) this.wake?.();
    });
    if (!cfg.secret)
      log.warn({ url: redactUrl(cfg.url) }, 'uplink.webhook has no secret: its POSTs are not signed');
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    this.wake?.();
    this.interrupt?.();
    await this.loop;
    this.agent.destroy();
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      const [row] = this.outbox.next(WEBHOOK_SINK, 0, 0, 1);
      if (!row) {
        await new Promise<void>((r) => {
          this.wake = r;
        });
        this.wake = undefined;
        continue;
      }
      let answer: Answer | undefined;
      try {
        answer = await this.post(row);
      } catch (err) {
        this.lastError = (err as Error).message;
      }
      if (this.stopped) return;
      if (answer && answer.status >= 200 && answer.status < 300) {
        this.outbox.ack([row.seq]);
        this.delivered++;
        if (this.failures > 0) this.log.info({ attempts: this.failures }, 'webhook reachable again');
        this.failures = 0;
        this.backoff.reset();
        continue;
      }
      if (answer && answer.status >= 400 && answer.status < 500 && ![408, 425, 429].includes(answer.status)) {
        this.outbox.deadLetter(WEBHOOK_SINK, row, answer.status, answer.body);
        this.log.warn(
          { status: answer.status, answer: answer.body.slice(0, 300), alert: row.alertId, kind: row.kind },
          'webhook refused a message; dead-lettered',
        );
        continue;
      }
      if (answer) this.lastError = `HTTP ${answer.status}: ${answer.body.slice(0, 200)}`;
      this.failures++;
      const delay = this.backoff.next(answer?.retryAfterMs);
      if (this.failures === 1 || this.failures % 10 === 0) {
        this.log.warn(
          { url: redactUrl(this.cfg.url), error: this.lastError, attempts: this.failures, retryInMs: delay },
          'webhook delivery failed; retrying',
        );
      }
      await new Promise<void>((r) => {
        this.interrupt = r;
        this.timer = setTimeout(r, delay);
      });
      this.interrupt = undefined;
    }
  }

  private post(row: OutboxRow): Promise<Answer> {
    const timestamp = String(Math.floor(Date.now() / 1000));
    const headers: http.OutgoingHttpHeaders = {
      'content-type': row.kind === 'evidence' ? 'image/jpeg' : 'application/json',
      'content-length': row.payload.length,
      'x-ioc-timestamp': timestamp,
      'x-ioc-delivery': `${this.nodeId}-${row.seq}`,
      'x-ioc-kind': row.kind,
    };
    if (row.alertId) headers['x-ioc-alert-id'] = row.alertId;
    if (this.cfg.secret)
      headers['x-ioc-signature'] = webhookSignature(this.cfg.secret, timestamp, row.payload);
    if (this.cfg.token) headers.authorization = `Bearer ${this.cfg.token}`;
    const lib = this.url.protocol === 'https:' ? https : http;
    return new Promise<Answer>((resolve, reject) => {
      const req = lib.request(this.url, {
        method: 'POST',
        headers,
        agent: this.agent,
        timeout: this.cfg.timeout,
      });
      req.on('timeout', () => req.destroy(new Error(`no answer within ${this.cfg.timeout} ms`)));
      req.on('error', reject);
      req.on('response', (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          if (size < 4096) chunks.push(c);
          size += c.length;
        });
        res.on('error', reject);
        res.on('end', () => {
          const ra = res.headers['retry-after'];
          const secs = ra !== undefined ? Number(ra) : Number.NaN;
          resolve({
            status: res.statusCode ?? 0,
            body: Buffer.concat(chunks).toString('utf8').slice(0, 2000),
            retryAfterMs: Number.isFinite(secs) ? secs * 1000 : undefined,
          });
        });
      });
      req.end(row.payload);
    });
  }
}

function readCa(path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new Error(
      `uplink.webhook.ca: cannot read ${path}: ${code === 'ENOENT' ? 'file not found' : String(err)}`,
    );
  }
}
