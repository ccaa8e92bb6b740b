import { REDACTED, type SecretScrubber } from '../log/redact.js';
import { SECRET_KEYS } from './errors.js';

const ENV_REFERENCE = /^\$\{[A-Za-z_][A-Za-z0-9_]*(:-[^}]*)?\}$/;
const URL_PASSWORD = /^([a-z][a-z0-9+.-]*:\/\/[^\s/@:]*:)([^\s/]*)(@.*)$/i;

/**
 * The config as written, safe to show: literal passwords and tokens (and URL passwords) become `***`;
 * `${VAR}` references stay, since they name a secret without holding it. The scrubber then catches any
 * registered secret value left anywhere else.
 */
export function maskConfig(raw: unknown, scrubber: SecretScrubber): unknown {
  return JSON.parse(scrubber.scrub(JSON.stringify(mask(raw, undefined))));
}

function mask(v: unknown, key: string | undefined): unknown {
  if (Array.isArray(v)) return v.map((x) => mask(x, undefined));
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = mask(x, k);
    return out;
  }
  if (typeof v !== 'string' || ENV_REFERENCE.test(v)) return v;
  if (key && SECRET_KEYS.has(key)) return REDACTED;
  const m = URL_PASSWORD.exec(v);
  if (m && !ENV_REFERENCE.test(m[2]!) && m[2] !== '') return `${m[1]}${REDACTED}${m[3]}`;
  return v;
}

/**
 * A config sent back after it was shown masked: every `***` (a whole value, or a URL's password) takes
 * the value at the same place in the config as written, so a round trip never replaces a secret with
 * stars. A `***` with nothing behind it stays and fails validation or the camera probe, as it should.
 */
export function unmaskConfig(next: unknown, current: unknown): unknown {
  if (Array.isArray(next)) {
    const cur = Array.isArray(current) ? current : [];
    return next.map((x, i) => unmaskConfig(x, sameItem(x, cur, i)));
  }
  if (next && typeof next === 'object') {
    const cur = current && typeof current === 'object' ? (current as Record<string, unknown>) : {};
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(next)) out[k] = unmaskConfig(x, cur[k]);
    return out;
  }
  if (next === REDACTED && typeof current === 'string') return current;
  if (typeof next === 'string' && typeof current === 'string' && next.includes(`:${REDACTED}@`)) {
    const n = URL_PASSWORD.exec(next);
    const c = URL_PASSWORD.exec(current);
    if (n && c && n[2] === REDACTED && n[1] === c[1] && n[3] === c[3]) return current;
  }
  return next;
}

/** Items of id-keyed lists (cameras, lines, devices) are matched by id, others by position. */
function sameItem(item: unknown, list: unknown[], i: number): unknown {
  const id = item && typeof item === 'object' ? (item as { id?: unknown }).id : undefined;
  if (typeof id === 'string')
    return list.find((c) => c && typeof c === 'object' && (c as { id?: unknown }).id === id);
  return list[i];
}
