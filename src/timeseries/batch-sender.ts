import type { HttpWriter } from './http-writer.js';
import type { Spool, SpoolBatch } from './spool.js';

/** Why a batch was not (entirely) delivered: it is resent after a backoff of at least `retryAfterMs`. */
export interface SendFailure {
  message: string;
  retryAfterMs?: number;
}

/**
 * Delivers one batch of spool rows: one request for all of it; on 400/413/422 it halves the range until
 * the bad line is alone, dead-letters that line with the server's message and sends the rest. Rows are
 * deleted from the spool range by range, each on its own 2xx; on a retryable failure (5xx, 429,
 * timeout, connection error) the rows not yet acknowledged stay in the spool.
 */
export class BatchSender {
  sent = 0;
  requests = 0;
  lastError: { at: number; message: string } | undefined;

  constructor(
    private readonly spool: Spool,
    private readonly writer: HttpWriter,
    private readonly onDeadLetter?: (line: string, message: string) => void,
  ) {}

  /** true when every row was acknowledged or dead-lettered. Never throws on a server's answer. */
  send(batch: SpoolBatch): Promise<true | SendFailure> {
    return this.range(batch, 0, batch.length);
  }

  private async range(b: SpoolBatch, from: number, to: number): Promise<true | SendFailure> {
    this.requests++;
    const r = await this.writer.write(b.lines, from, to, b.precision);
    if (r.kind === 'ok') {
      this.spool.ack(b, from, to - 1);
      this.sent += to - from;
      return true;
    }
    this.lastError = { at: Date.now(), message: r.message };
    if (r.kind === 'retry') return r;
    if (to - from === 1) {
      this.spool.deadLetter(b, from, r.message, Date.now());
      this.onDeadLetter?.(b.lines[from]!, r.message);
      return true;
    }
    const mid = (from + to) >>> 1;
    const first = await this.range(b, from, mid);
    if (first !== true) return first;
    return this.range(b, mid, to);
  }
}
