import type { Decoded, Decoder } from './decoded.js';

const NS_TO_MS = { ns: 1e-6, us: 1e-3, ms: 1, s: 1000 } as const;
const FLOAT = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const INT = /^[+-]?\d+[iu]$/;

/**
 * InfluxDB line protocol (`weather,station=a temp=21.5,hum=40i 1714550000000000000`), one or more
 * lines: the numeric fields of each line become the device's readings at the line's timestamp (or the
 * arrival time); measurement and tags are the sender's and are not kept (the device's own tags are).
 * String and boolean fields are left out.
 */
export class InfluxDecoder implements Decoder {
  private readonly toMs: number;

  constructor(precision: keyof typeof NS_TO_MS) {
    this.toMs = NS_TO_MS[precision];
  }

  decode(payload: Buffer, out: Decoded): boolean {
    const lines = payload.toString('utf8').split('\n');
    for (let l = 0; l < lines.length; l++) {
      const line = lines[l]!.trim();
      if (line === '' || line.startsWith('#')) continue;
      if (!this.line(line, out)) return false;
    }
    return out.n > 0 || out.fail('no_metrics', 'no numeric field in the lines');
  }

  private line(line: string, out: Decoded): boolean {
    const parts = splitUnescaped(line, ' ');
    if (parts.length < 2 || parts.length > 3)
      return out.fail('invalid_payload', `not a line-protocol line: ${JSON.stringify(line.slice(0, 60))}`);
    let time = Number.NaN;
    if (parts.length === 3) {
      if (!/^-?\d{1,19}$/.test(parts[2]!)) return out.fail('bad_time', `timestamp ${parts[2]!.slice(0, 30)}`);
      time = Number(parts[2]) * this.toMs;
    }
    const start = out.n;
    for (const field of splitUnescaped(parts[1]!, ',')) {
      const eq = field.indexOf('=');
      if (eq <= 0)
        return out.fail('invalid_payload', `field ${JSON.stringify(field.slice(0, 40))} is not key=value`);
      const key = field.slice(0, eq).replace(/\\(.)/g, '$1');
      const raw = field.slice(eq + 1);
      let v: number;
      if (FLOAT.test(raw)) v = Number(raw);
      else if (INT.test(raw)) v = Number(raw.slice(0, -1));
      else if (raw.startsWith('"') || /^(t|f|true|false|T|F|TRUE|FALSE)$/.test(raw)) continue;
      else return out.fail('not_a_number', `field ${key}=${raw.slice(0, 40)}`);
      if (!Number.isFinite(v)) return out.fail('non_finite', `field ${key}=${raw.slice(0, 40)}`);
      out.push(key, v, time);
    }
    return (
      out.n > start || out.fail('no_metrics', `no numeric field in ${JSON.stringify(line.slice(0, 60))}`)
    );
  }
}

/** Splits on `sep` outside double quotes and not after a backslash. */
function splitUnescaped(s: string, sep: string): string[] {
  const out: string[] = [];
  let from = 0;
  let quoted = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '\\') i++;
    else if (c === '"') quoted = !quoted;
    else if (c === sep && !quoted) {
      out.push(s.slice(from, i));
      from = i + 1;
    }
  }
  out.push(s.slice(from));
  return out;
}
