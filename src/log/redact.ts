/**
 * Secret scrubbing for anything that leaves the process as text (logs, API answers, heartbeats).
 * Credentials inside URLs, secret-looking query parameters and every secret value the config
 * registered are replaced with `***`.
 */
// The password part is greedy up to the last '@' before the path: passwords with a raw '@' are common.
const URL_CREDENTIALS = /([a-z][a-z0-9+.-]*:\/\/)([^\s/@:"'\\]*):([^\s/"'\\]*)@/gi;
const SECRET_QUERY =
  /([?&](?:password|passwd|pwd|token|access_token|api_key|apikey|secret|key|auth)=)([^&\s"'\\]+)/gi;

export const REDACTED = '***';

export class SecretScrubber {
  private secrets: string[] = [];

  /** Registers literal secret values (passwords, tokens) to be scrubbed wherever they appear. */
  add(...values: (string | undefined | null)[]): void {
    for (const v of values) {
      // Very short values would scrub innocent text; URL and key patterns still catch them in context.
      if (v && v.length >= 4 && !this.secrets.includes(v)) this.secrets.push(v);
    }
    // Longest first, so a secret containing another is replaced whole.
    this.secrets.sort((a, b) => b.length - a.length);
  }

  scrub(text: string): string {
    let out = text.replace(URL_CREDENTIALS, `$1$2:${REDACTED}@`).replace(SECRET_QUERY, `$1${REDACTED}`);
    for (const s of this.secrets) {
      if (out.includes(s)) out = out.split(s).join(REDACTED);
      const json = JSON.stringify(s).slice(1, -1);
      if (json !== s && out.includes(json)) out = out.split(json).join(REDACTED);
      const encoded = encodeURIComponent(s);
      if (encoded !== s && out.includes(encoded)) out = out.split(encoded).join(REDACTED);
    }
    return out;
  }
}

/** `rtsp://user:pass@host/x` → `rtsp://user:***@host/x`, for showing a URL on its own. */
export function redactUrl(url: string): string {
  return url.replace(URL_CREDENTIALS, `$1$2:${REDACTED}@`).replace(SECRET_QUERY, `$1${REDACTED}`);
}
