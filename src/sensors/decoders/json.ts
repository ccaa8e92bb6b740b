import { type TimeUnit, UTC, valueToMs, type Zone } from '../time.js';
import { jsonDepth, type PayloadLimits } from '../validation.js';
import type { Decoded, Decoder } from './decoded.js';
import { type CompiledPath, compilePath, getPath, pathText } from './json-path.js';
import { JsonScanner } from './json-scan.js';

type PathSpec = string | readonly string[];
export type FieldSpec = PathSpec | { path: PathSpec; scale: number; offset: number };
export type TimeSpec = 'arrival' | PathSpec | { path: PathSpec; unit: TimeUnit };

interface CompiledField {
  metric: string;
  path: CompiledPath;
  scale: number;
  offset: number;
}

export interface JsonDecoderOptions {
  /** Metrics come from below this path (ChirpStack `object`, TTS `uplink_message.decoded_payload`). */
  root?: PathSpec;
  /** What the root is called in errors, e.g. "the uplink's decoded object". */
  rootName?: string;
  /** metric → path (relative to the root); absent: every number at the root and one level below. */
  fields?: Record<string, FieldSpec>;
  /** Relative to the whole message; absent or 'arrival': the arrival time. */
  time?: TimeSpec;
  zone?: Zone;
  /** Zigbee2MQTT reports water_leak, occupancy, contact as booleans: read them as 1/0. */
  booleans?: boolean;
  /** If the time path is missing from a message, use the arrival time instead of rejecting it. */
  timeOptional?: boolean;
  /** false: always JSON.parse (the reference the scanner is tested against). Default true. */
  scan?: boolean;
}

/** Numbers that are metric names: field keys must stay printable and short. */
const DEFAULT_KEY = /^[A-Za-z_][A-Za-z0-9_.-]{0,63}$/;

/**
 * JSON payloads with precompiled field paths. Every mapped field must be a finite number (a string
 * such as "21.5" is refused, not guessed); unmapped fields are ignored.
 */
export class JsonDecoder implements Decoder {
  private readonly root: CompiledPath | undefined;
  private readonly fields: CompiledField[] | undefined;
  private readonly timePath: CompiledPath | undefined;
  private readonly timeUnit: TimeUnit;
  private readonly zone: Zone;
  private readonly booleans: boolean;
  private readonly rootName: string;

  constructor(
    opts: JsonDecoderOptions,
    private readonly limits: PayloadLimits,
  ) {
    this.root = opts.root === undefined ? undefined : compilePath(opts.root);
    this.rootName = opts.rootName ?? (this.root ? pathText(this.root) : 'the payload');
    this.fields = opts.fields
      ? Object.entries(opts.fields).map(([metric, f]) =>
          typeof f === 'string' || Array.isArray(f)
            ? { metric, path: compilePath(f as PathSpec), scale: 1, offset: 0 }
            : {
                metric,
                path: compilePath((f as { path: PathSpec }).path),
                scale: (f as { scale: number }).scale,
                offset: (f as { offset: number }).offset,
              },
        )
      : undefined;
    const t = opts.time;
    if (t === undefined || t === 'arrival') this.timeUnit = 'auto';
    else if (typeof t === 'string' || Array.isArray(t)) {
      this.timePath = compilePath(t as PathSpec);
      this.timeUnit = 'auto';
    } else {
      this.timePath = compilePath((t as { path: PathSpec }).path);
      this.timeUnit = (t as { unit: TimeUnit }).unit;
    }
    this.zone = opts.zone ?? UTC;
    this.booleans = opts.booleans ?? false;
    this.timeOptional = opts.timeOptional ?? false;
    if (this.fields && opts.scan !== false) {
      const paths = this.fields.map((f) => [...(this.root ?? []), ...f.path]);
      if (this.timePath) paths.push([...this.timePath]);
      this.scanner = JsonScanner.create(
        paths,
        this.timePath ? this.fields.length : -1,
        this.booleans,
        limits.maxJsonDepth,
      );
    }
  }

  private readonly timeOptional: boolean;
  /** Mapped fields read without JSON.parse (see JsonScanner); undefined when the paths do not allow it. */
  private readonly scanner: JsonScanner | undefined;

  decode(payload: Buffer, out: Decoded): boolean {
    if (this.scanner && this.scanned(payload, out)) return true;
    const depth = jsonDepth(payload, this.limits.maxJsonDepth);
    if (depth > this.limits.maxJsonDepth)
      return out.fail('too_deep', `JSON nested deeper than ${this.limits.maxJsonDepth} levels`);
    let msg: unknown;
    try {
      msg = JSON.parse(payload.toString('utf8'));
    } catch (err) {
      return out.fail('invalid_json', (err as Error).message.slice(0, 200));
    }
    if (msg === null || typeof msg !== 'object' || Array.isArray(msg))
      return out.fail('invalid_payload', 'expected a JSON object');
    let time = Number.NaN;
    if (this.timePath) {
      const raw = getPath(msg, this.timePath);
      if (raw === undefined || raw === null) {
        if (!this.timeOptional) return out.fail('bad_time', `no time at ${pathText(this.timePath)}`);
      } else {
        time = valueToMs(raw, this.timeUnit, this.zone);
        if (Number.isNaN(time))
          return out.fail(
            'bad_time',
            `${pathText(this.timePath)} is not a time: ${String(raw).slice(0, 60)}`,
          );
      }
    }
    const root = this.root ? getPath(msg, this.root) : msg;
    if (root === null || typeof root !== 'object')
      return out.fail('no_metrics', `no ${this.rootName} in the message`);
    if (this.fields) return this.mapped(root, time, out);
    if (!this.collect(root as Record<string, unknown>, '', 2, time, out)) return false;
    return out.n > 0 || out.fail('no_metrics', `no numeric field in ${this.rootName}`);
  }

  /**
   * The scanner's reading of a payload, pushed in field order as `mapped` would; false (nothing pushed)
   * when the scanner gave up or the payload is to be refused: the JSON.parse path then decides and words it.
   */
  private scanned(payload: Buffer, out: Decoded): boolean {
    const s = this.scanner!;
    if (!s.scan(payload)) return false;
    const fields = this.fields!;
    let time = Number.NaN;
    if (this.timePath) {
      const slot = fields.length;
      if (s.found(slot)) {
        time =
          s.timeStart >= 0
            ? valueToMs(payload.toString('latin1', s.timeStart, s.timeEnd), this.timeUnit, this.zone)
            : valueToMs(s.values[slot]!, this.timeUnit, this.zone);
        if (Number.isNaN(time)) return false;
      } else if (!this.timeOptional) return false;
    }
    let any = false;
    for (let i = 0; i < fields.length; i++) if (s.found(i)) any = true;
    if (!any) return false;
    for (let i = 0; i < fields.length; i++) {
      if (!s.found(i)) continue;
      const f = fields[i]!;
      out.push(f.metric, s.values[i]! * f.scale + f.offset, time);
    }
    return true;
  }

  private mapped(root: object, time: number, out: Decoded): boolean {
    const fields = this.fields!;
    for (let i = 0; i < fields.length; i++) {
      const f = fields[i]!;
      const v = getPath(root, f.path);
      if (v === undefined || v === null) continue;
      let n: number;
      if (typeof v === 'number') n = v;
      else if (typeof v === 'boolean' && this.booleans) n = v ? 1 : 0;
      else
        return out.fail(
          'not_a_number',
          `${pathText(f.path)} is ${typeof v === 'string' ? `the string ${JSON.stringify(v.slice(0, 40))}` : `a ${Array.isArray(v) ? 'list' : typeof v}`}, not a number`,
        );
      if (!Number.isFinite(n)) return out.fail('non_finite', `${pathText(f.path)} is ${n}`);
      out.push(f.metric, n * f.scale + f.offset, time);
    }
    return out.n > 0 || out.fail('no_metrics', `none of the mapped fields is in ${this.rootName}`);
  }

  /** Every finite number (and boolean, if enabled) at the root and `levels - 1` levels below. */
  private collect(
    obj: Record<string, unknown>,
    prefix: string,
    levels: number,
    time: number,
    out: Decoded,
  ): boolean {
    for (const k in obj) {
      const v = obj[k];
      if (typeof v === 'number') {
        if (!Number.isFinite(v)) return out.fail('non_finite', `${prefix}${k} is ${v}`);
      } else if (typeof v === 'boolean') {
        if (!this.booleans) continue;
      } else {
        if (levels > 1 && v !== null && typeof v === 'object' && !Array.isArray(v))
          if (!this.collect(v as Record<string, unknown>, `${prefix}${k}.`, levels - 1, time, out))
            return false;
        continue;
      }
      const metric = prefix === '' ? k : prefix + k;
      if (!DEFAULT_KEY.test(metric)) continue;
      out.push(metric, typeof v === 'boolean' ? (v ? 1 : 0) : v, time);
    }
    return true;
  }
}
