/** The outcome of one write request, classified for the drainer. */
export type WriteOutcome =
  | { kind: 'ok' }
  /** The server refused the content (400, 413, 422): split the batch to find the bad line. */
  | { kind: 'rejected'; status: number; message: string }
  /** Transient (5xx, 429, timeout, connection error) or configuration (401, 403, 404): keep and retry. */
  | { kind: 'retry'; status?: number; message: string; retryAfterMs?: number };

/** The one `ok` outcome, shared rather than allocated per request. */
export const OK: WriteOutcome = { kind: 'ok' };

/** Classifies an HTTP answer from its status, body and Retry-After header. */
export function httpOutcome(
  status: number,
  body: string,
  retryAfter: string | null | undefined,
): WriteOutcome {
  if (status >= 200 && status < 300) return OK;
  const message = `HTTP ${status}: ${serverMessage(body)}`;
  if (status === 400 || status === 413 || status === 422) return { kind: 'rejected', status, message };
  return { kind: 'retry', status, message, retryAfterMs: parseRetryAfter(retryAfter ?? null) };
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

/**
 * A request that got no HTTP answer: closed by the writer, past its deadline, or a network error
 * (the `code` of the error or of its cause, e.g. ECONNREFUSED, is kept).
 */
export function failedOutcome(err: unknown, closed: boolean, timedOut: boolean): WriteOutcome {
  if (closed) return { kind: 'retry', message: 'aborted' };
  if (timedOut) return { kind: 'retry', message: 'timed out' };
  const e = err as Error & { code?: string; cause?: { code?: string; message?: string } };
  const detail = e?.cause?.code ?? e?.cause?.message ?? e?.code;
  const message = String(e?.message ?? err);
  return { kind: 'retry', message: detail && !message.includes(detail) ? `${message} (${detail})` : message };
}
