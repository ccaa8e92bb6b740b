import { type TimeUnit, valueToMs } from '../time.js';
import type { Decoded, Decoder } from './decoded.js';
import type { FieldSpec, TimeSpec } from './json.js';

const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const KEY = /^[A-Za-z_][A-Za-z0-9_.-]{0,63}$/;
const SEPARATORS = /[\s,;&]+/;

interface Mapped {
  metric: string;
  scale: number;
  offset: number;
}

/**
 * `key=value` text, pairs separated by commas, semicolons, `&` or white space
 * (`pm25=12.5,pm10=20 ts=1714550000`). With `fields` only the mapped keys are read (metric → key);
 * without, every key is a metric. Values must be plain numbers.
 */
export class KvDecoder implements Decoder {
  private readonly map: Map<string, Mapped> | undefined;
  private readonly timeKey: string | undefined;
  private readonly timeUnit: TimeUnit = 'auto';

  constructor(cfg: { fields?: Record<string, FieldSpec>; time?: TimeSpec }) {
    if (cfg.fields) {
      this.map = new Map();
      for (const [metric, f] of Object.entries(cfg.fields)) {
        const scaled =
          typeof f === 'object' && !Array.isArray(f)
            ? (f as { path: string | readonly string[]; scale: number; offset: number })
            : undefined;
        const key = scaled ? keyOf(scaled) : typeof f === 'string' ? f : (f as readonly string[]).join('.');
        this.map.set(key, { metric, scale: scaled?.scale ?? 1, offset: scaled?.offset ?? 0 });
      }
    }
    const t = cfg.time;
    if (t !== undefined && t !== 'arrival') {
      if (typeof t === 'string' || Array.isArray(t)) this.timeKey = typeof t === 'string' ? t : t.join('.');
      else {
        this.timeKey = keyOf(t as { path: string | readonly string[] });
        this.timeUnit = (t as { unit: TimeUnit }).unit;
      }
    }
  }

  decode(payload: Buffer, out: Decoded): boolean {
    const text = payload.toString('utf8');
    const pairs = text.trim().split(SEPARATORS);
    let time = Number.NaN;
    for (let i = 0; i < pairs.length; i++) {
      const pair = pairs[i]!;
      if (pair === '') continue;
      const eq = pair.indexOf('=');
      if (eq <= 0)
        return out.fail('invalid_payload', `${JSON.stringify(pair.slice(0, 40))} is not key=value`);
      const key = pair.slice(0, eq);
      const raw = pair.slice(eq + 1);
      if (key === this.timeKey) {
        time = valueToMs(NUMBER.test(raw) ? Number(raw) : raw, this.timeUnit);
        if (Number.isNaN(time)) return out.fail('bad_time', `${key}=${raw.slice(0, 40)} is not a time`);
        continue;
      }
      const m = this.map ? this.map.get(key) : undefined;
      if (this.map && !m) continue;
      if (!m && !KEY.test(key))
        return out.fail('invalid_payload', `${JSON.stringify(key.slice(0, 40))} is no metric name`);
      if (!NUMBER.test(raw)) return out.fail('not_a_number', `${key}=${raw.slice(0, 40)} is not a number`);
      const v = Number(raw);
      if (!Number.isFinite(v))
        return out.fail('non_finite', `${key}=${raw.slice(0, 40)} is out of the float range`);
      out.push(m ? m.metric : key, m ? v * m.scale + m.offset : v, Number.NaN);
    }
    if (this.timeKey && Number.isNaN(time)) return out.fail('bad_time', `no ${this.timeKey}= in the message`);
    if (out.n === 0) return out.fail('no_metrics', 'no key=value pair with a metric');
    for (let i = 0; i < out.n; i++) out.times[i] = time;
    return true;
  }
}

function keyOf(f: { path: string | readonly string[] }): string {
  return typeof f.path === 'string' ? f.path : f.path.join('.');
}
