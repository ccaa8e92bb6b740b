import type { TIME_UNITS } from '../config/sensors-schema.js';

export type TimeUnit = (typeof TIME_UNITS)[number];

const HAS_OFFSET = /(?:[zZ]|[+-]\d{2}(?::?\d{2})?)$/;
const DIGITS = /^\d{9,19}(?:\.\d+)?$/;

/** Epoch ms from a number in `unit`; `auto` tells s, ms, µs and ns apart by magnitude (1e11 s is year 5138). */
export function numberToMs(v: number, unit: TimeUnit): number {
  if (!Number.isFinite(v)) return Number.NaN;
  switch (unit) {
    case 's':
      return v * 1000;
    case 'ms':
      return v;
    case 'us':
      return v / 1000;
    case 'ns':
      return v / 1e6;
    case 'iso':
      return Number.NaN;
    default: {
      const a = Math.abs(v);
      return a < 1e11 ? v * 1000 : a < 1e14 ? v : a < 1e17 ? v / 1000 : v / 1e6;
    }
  }
}

/**
 * A wall-clock zone for times written without offset (Tasmota's `Time`): a fixed "+07:00" or an IANA
 * name, whose offset is looked up once per hour of time (Intl is slow; offsets change at most hourly).
 */
export class Zone {
  private readonly fixedMs: number | undefined;
  private readonly fmt: Intl.DateTimeFormat | undefined;
  private cacheHour = Number.NaN;
  private cacheOffset = 0;

  constructor(readonly name: string) {
    const m = /^([+-])(\d{2}):?(\d{2})$/.exec(name);
    if (m) this.fixedMs = (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3])) * 60_000;
    else if (name === 'UTC' || name === 'Etc/UTC') this.fixedMs = 0;
    else
      this.fmt = new Intl.DateTimeFormat('en-US', {
        timeZone: name,
        hourCycle: 'h23',
        year: 'numeric',
        month: 'numeric',
        day: 'numeric',
        hour: 'numeric',
        minute: 'numeric',
        second: 'numeric',
      });
  }

  /** Offset (local - UTC) in ms at the UTC instant `utcMs`. */
  offsetAt(utcMs: number): number {
    if (this.fixedMs !== undefined) return this.fixedMs;
    const hour = Math.floor(utcMs / 3_600_000);
    if (hour === this.cacheHour) return this.cacheOffset;
    const p: Record<string, number> = {};
    for (const part of this.fmt!.formatToParts(new Date(hour * 3_600_000))) p[part.type] = Number(part.value);
    const wall = Date.UTC(p.year!, p.month! - 1, p.day!, p.hour!, p.minute!, p.second!);
    this.cacheHour = hour;
    this.cacheOffset = wall - hour * 3_600_000;
    return this.cacheOffset;
  }

  /** The UTC instant of a local wall-clock time given as if it were UTC. */
  toUtc(wallMs: number): number {
    const guess = wallMs - this.offsetAt(wallMs);
    return wallMs - this.offsetAt(guess);
  }
}

export const UTC = new Zone('UTC');

/** Epoch ms from a payload value (number or string) in `unit`; NaN when it is no usable time. */
export function valueToMs(v: unknown, unit: TimeUnit, zone: Zone = UTC): number {
  if (typeof v === 'number') return numberToMs(v, unit);
  if (typeof v !== 'string' || v.length > 40) return Number.NaN;
  if (unit !== 'iso' && DIGITS.test(v)) return numberToMs(Number(v), unit);
  if (unit !== 'iso' && unit !== 'auto') return Number.NaN;
  if (v.length < 10 || !/^\d{4}-\d{2}-\d{2}/.test(v)) return Number.NaN;
  if (HAS_OFFSET.test(v)) return Date.parse(v);
  // Without an offset, JavaScript would read the string in the process's own zone: read it as UTC wall
  // time, then move it by the device's zone.
  const wall = Date.parse(v.length === 10 ? `${v}T00:00:00Z` : `${v}Z`);
  return Number.isNaN(wall) ? wall : zone.toUtc(wall);
}
