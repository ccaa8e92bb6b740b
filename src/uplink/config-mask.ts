import { REDACTED, redactUrl } from '../log/redact.js';

/** Keys whose values are secrets wherever they appear in the config. */
const SECRET_KEYS = /^(password|token|secret|passphrase)$/i;

/** A copy of the config safe to show: secret values replaced with `***`, URL credentials removed. */
export function maskConfig(value: unknown): unknown {
  if (typeof value === 'string') return redactUrl(value);
  if (Array.isArray(value)) return value.map(maskConfig);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      out[k] = SECRET_KEYS.test(k) && v !== undefined && v !== null ? REDACTED : maskConfig(v);
    }
    return out;
  }
  return value;
}
