import type { FieldValue, Point, Precision } from './point.js';

/** Thrown by `encodeLine` for a point that cannot be written; the message names the measurement and key. */
export class PointError extends Error {}

const MEASUREMENT_SPECIAL = /[, \\\n\r]/;
const KEY_SPECIAL = /[,= \\\n\r]/;
const STRING_SPECIAL = /["\\]/;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const NO_TAGS: readonly (readonly [string, string])[] = [];

function checkText(what: string, s: string, point: Point): void {
  if (s.includes('\n') || s.includes('\r')) {
    throw new PointError(`${point.measurement}: ${what} ${JSON.stringify(s)} contains a line break`);
  }
  // A trailing backslash would escape the separator that follows it.
  if (s.endsWith('\\')) {
    throw new PointError(`${point.measurement}: ${what} ${JSON.stringify(s)} ends with a backslash`);
  }
}

function escapeMeasurement(s: string, point: Point): string {
  if (!MEASUREMENT_SPECIAL.test(s)) return s;
  checkText('measurement', s, point);
  return s.replace(/[, ]/g, '\\$&');
}

/** Tag keys, tag values and field keys: commas, equals signs and spaces are escaped. */
function escapeKey(s: string, what: string, point: Point): string {
  if (!KEY_SPECIAL.test(s)) return s;
  checkText(what, s, point);
  return s.replace(/[,= ]/g, '\\$&');
}

function escapeString(s: string): string {
  return STRING_SPECIAL.test(s) ? s.replace(/["\\]/g, '\\$&') : s;
}

function encodeField(v: FieldValue, key: string, point: Point): string | undefined {
  switch (typeof v) {
    case 'number':
      // String(n) is the shortest round-trip form; 1e+21 and 5e-7 are valid line-protocol floats.
      return Number.isFinite(v) ? String(v) : undefined;
    case 'bigint':
      if (v < INT64_MIN || v > INT64_MAX) {
        throw new PointError(`${point.measurement}: integer field ${key}=${v} does not fit in int64`);
      }
      return `${v}i`;
    case 'boolean':
      return v ? 'true' : 'false';
    case 'string':
      return `"${escapeString(v)}"`;
    default:
      throw new PointError(`${point.measurement}: field ${key} has unsupported type ${typeof v}`);
  }
}

const NS_PER: Record<Precision, bigint> = { ns: 1n, us: 1_000n, ms: 1_000_000n, s: 1_000_000_000n };

/** Formats a timestamp (ms as number, ns as bigint) at the wire precision, truncating toward -∞. */
export function formatTime(time: number | bigint, precision: Precision): string {
  if (typeof time === 'bigint') {
    const d = NS_PER[precision];
    let q = time / d;
    if (time < 0n && q * d !== time) q -= 1n;
    return q.toString();
  }
  if (!Number.isFinite(time)) throw new PointError(`timestamp ${time} is not a finite number`);
  const whole = Math.floor(time);
  switch (precision) {
    case 'ms':
      return String(whole);
    case 's':
      return String(Math.floor(time / 1000));
    case 'us': {
      const frac = Math.floor((time - whole) * 1000);
      return whole === 0 ? String(frac) : `${whole}${String(frac).padStart(3, '0')}`;
    }
    case 'ns': {
      const frac = Math.round((time - whole) * 1e6);
      // Rounding 0.9999999 ms up carries into the next millisecond.
      if (frac >= 1e6) return formatTime(whole + 1, 'ns');
      return whole === 0 ? String(frac) : `${whole}${String(frac).padStart(6, '0')}`;
    }
  }
}

export interface EncodeOptions {
  precision: Precision;
  /** Tags added to every point unless it sets them itself, as [escapedKey, escapedValue] sorted by key. */
  defaultTags?: readonly (readonly [string, string])[];
}

/** Prepares default tags once: escaped and sorted, ready for `encodeLine`. */
export function prepareDefaultTags(tags: Record<string, string>): [string, string][] {
  const dummy = { measurement: 'default tags', fields: {} } as Point;
  return Object.keys(tags)
    .filter((k) => tags[k] !== '')
    .sort()
    .map((k) => [escapeKey(k, 'tag key', dummy), escapeKey(tags[k]!, `tag ${k}`, dummy)]);
}

function isSorted(keys: string[]): boolean {
  for (let i = 1; i < keys.length; i++) if (keys[i - 1]! > keys[i]!) return false;
  return true;
}

/**
 * The series key of a point, `measurement,tag=value,...` with its tags and the defaults merged in key
 * order: what `encodeLine` writes before the fields. Producers that write many points of one series
 * compute it once (see `SpoolSink.writeLine`). Throws PointError like `encodeLine`.
 */
export function encodeSeries(point: Pick<Point, 'measurement' | 'tags'>, opts: EncodeOptions): string {
  const m = point.measurement;
  if (typeof m !== 'string' || m === '') throw new PointError('point without a measurement name');
  let line = escapeMeasurement(m, point as Point);

  const tags = point.tags;
  const defaults = opts.defaultTags ?? NO_TAGS;
  const keys = tags ? Object.keys(tags) : [];
  if (keys.length > 1 && !isSorted(keys)) keys.sort();
  // Merge the point's sorted tags with the sorted defaults; the point wins on equal keys.
  let d = 0;
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i]!;
    const v = tags![k];
    const ek = escapeKey(k, 'tag key', point as Point);
    while (d < defaults.length && defaults[d]![0] < ek) {
      line += `,${defaults[d]![0]}=${defaults[d]![1]}`;
      d++;
    }
    const def = d < defaults.length && defaults[d]![0] === ek ? defaults[d++]! : undefined;
    if (v === undefined || v === '') {
      if (def) line += `,${def[0]}=${def[1]}`;
      continue;
    }
    if (typeof v !== 'string') throw new PointError(`${m}: tag ${k} is a ${typeof v}, not a string`);
    line += `,${ek}=${escapeKey(v, `tag ${k}`, point as Point)}`;
  }
  for (; d < defaults.length; d++) line += `,${defaults[d]![0]}=${defaults[d]![1]}`;

  return line;
}

/**
 * One line of InfluxDB line protocol: measurement, tags sorted by key (the order InfluxDB indexes
 * fastest), fields, and the timestamp at the wire precision. `nowMs` is used when the point has no time.
 * Throws PointError for a point that cannot be written.
 */
export function encodeLine(point: Point, nowMs: number, opts: EncodeOptions): string {
  let line = encodeSeries(point, opts);
  const m = point.measurement;

  let sep = ' ';
  const fields = point.fields;
  for (const k in fields) {
    const v = fields[k];
    if (v === undefined || v === null) continue;
    const encoded = encodeField(v, k, point);
    if (encoded === undefined) continue;
    line += `${sep}${escapeKey(k, 'field key', point)}=${encoded}`;
    sep = ',';
  }
  if (sep === ' ') throw new PointError(`${m}: no field with a value`);
  return `${line} ${formatTime(point.time ?? nowMs, opts.precision)}`;
}
