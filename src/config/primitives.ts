import { z } from 'zod';
import { sideOf } from '../analytics/geometry.js';
import { TRAFFIC_CLASSES } from '../domain/traffic.js';

/** Topic- and tag-safe identifier: lower case letters, digits, '-' and '_', starting with a letter or digit. */
export const slug = z.string({ error: 'expected a string' }).regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, {
  error: 'expected a slug: 1-64 lower-case letters, digits, "-" or "_", starting with a letter or digit',
});

export const fraction = z
  .number({ error: 'expected a number' })
  .min(0, { error: (iss) => `expected a fraction of the frame between 0 and 1, got ${String(iss.input)}` })
  .max(1, { error: (iss) => `expected a fraction of the frame between 0 and 1, got ${String(iss.input)}` });

/** A point as [x, y], both fractions of the frame width and height. */
export const point = z.tuple([fraction, fraction], {
  error: 'expected a point [x, y] with x and y fractions of the frame (0..1)',
});

export const lineSegment = z.array(point, { error: 'expected a list of points' }).length(2, {
  error: (iss) => `expected 2 points, got ${Array.isArray(iss.input) ? iss.input.length : 0}`,
});

/**
 * A list of at most `max` items: every list of the config is bounded, so a runaway file is refused with
 * one line instead of being built (thousands of cameras, each with its own processes).
 */
export function boundedList<T extends z.ZodType>(item: T, max: number, what: string) {
  return z.array(item, { error: 'expected a list' }).max(max, {
    error: (iss) => `at most ${max} ${what}, got ${Array.isArray(iss.input) ? iss.input.length : '?'}`,
  });
}

/** Which side of the line a->b the point c is on (sideOf: twice the signed area of a, b, c). */
function turn(a: readonly number[], b: readonly number[], c: readonly number[]): number {
  return sideOf(a[0]!, a[1]!, b[0]!, b[1]!, c[0]!, c[1]!);
}

/** Whether segments a-b and c-d cross at a point inside both. */
function crosses(
  a: readonly number[],
  b: readonly number[],
  c: readonly number[],
  d: readonly number[],
): boolean {
  const d1 = turn(c, d, a);
  const d2 = turn(c, d, b);
  const d3 = turn(a, b, c);
  const d4 = turn(a, b, d);
  return ((d1 > 0 && d2 < 0) || (d1 < 0 && d2 > 0)) && ((d3 > 0 && d4 < 0) || (d3 < 0 && d4 > 0));
}

/**
 * Why `points` (a closed border, in order) is no area, or undefined: two of its edges cross (points
 * clicked out of order: a bow tie, whose inside is not what was meant), or it encloses nothing.
 */
export function polygonProblem(points: readonly (readonly number[])[]): string | undefined {
  const n = points.length;
  if (n < 3) return undefined; // said by the length check
  let area = 0;
  for (let i = 0; i < n; i++) {
    const a = points[i]!;
    const b = points[(i + 1) % n]!;
    area += a[0]! * b[1]! - b[0]! * a[1]!;
    // Edges that share no point: not the next one, and for the first edge not the last one either.
    for (let j = i + 2; j < n; j++) {
      if (i === 0 && j === n - 1) continue;
      if (crosses(a, b, points[j]!, points[(j + 1) % n]!))
        return `the border crosses itself: the edge from point ${i} to ${i + 1} crosses the edge from point ${j} to ${(j + 1) % n}; list the points in order around the area`;
    }
  }
  if (Math.abs(area) < 1e-6) return 'the points enclose no area (they lie on one line)';
  return undefined;
}

export const polygon = boundedList(point, 64, 'points')
  .min(3, {
    error: (iss) => `expected at least 3 points, got ${Array.isArray(iss.input) ? iss.input.length : 0}`,
  })
  .superRefine((points, ctx) => {
    const problem = polygonProblem(points);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });

const portError = {
  error: (iss: { input?: unknown }) => `expected a port number 0-65535, got ${JSON.stringify(iss.input)}`,
};

/**
 * A TCP port, written as a number or as a string of digits, so `port: ${API_PORT:-8080}` works
 * (environment substitution always yields a string).
 */
export const port = z
  .union(
    [
      z.number().int(portError).min(0, portError).max(65535, portError),
      z.string().regex(/^[0-9]{1,5}$/, portError),
    ],
    portError,
  )
  .transform(Number)
  .pipe(z.number().max(65535, portError));

const SIZE_UNITS: Record<string, number> = {
  b: 1,
  kb: 1e3,
  mb: 1e6,
  gb: 1e9,
  tb: 1e12,
  kib: 1024,
  mib: 1024 ** 2,
  gib: 1024 ** 3,
  tib: 1024 ** 4,
};

/** Parses "2GB", "512 MiB", "1e6" or a plain number of bytes. */
export function parseSize(value: string | number): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? Math.floor(value) : undefined;
  const m = /^\s*(\d+(?:\.\d+)?(?:e\d+)?)\s*([a-zA-Z]*)\s*$/.exec(value);
  if (!m) return undefined;
  const unit = SIZE_UNITS[(m[2] || 'b').toLowerCase()];
  if (unit === undefined) return undefined;
  return Math.floor(Number(m[1]) * unit);
}

/** A size in bytes, written as a number or a string such as "2GB" or "512MiB". */
export const byteSize = z.union([z.number(), z.string()]).transform((v, ctx) => {
  const bytes = parseSize(v);
  if (bytes === undefined || bytes <= 0 || !Number.isSafeInteger(bytes)) {
    ctx.addIssue({
      code: 'custom',
      message: `expected a positive size such as 2GB or 512MiB (at most 8 PiB), got ${JSON.stringify(v)}`,
    });
    return z.NEVER;
  }
  return bytes;
});

const DURATION_UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** The longest delay a Node.js timer takes; longer ones fire after 1 ms with a TimeoutOverflowWarning. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/** Parses "500ms", "10s", "5m", "1h", "7d" or a plain number of seconds into milliseconds. */
export function parseDurationMs(value: string | number): number | undefined {
  if (typeof value === 'number') {
    const ms = value * 1000;
    return Number.isFinite(ms) && ms >= 0 ? ms : undefined;
  }
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)\s*$/.exec(value);
  if (!m) return undefined;
  const ms = Number(m[1]) * DURATION_UNITS[m[2]!]!;
  return Number.isFinite(ms) ? ms : undefined;
}

/** "250ms", "10s", "5m", "2h", "7d": the largest unit that divides the value, for error messages. */
export function formatDuration(ms: number): string {
  if (ms === 0) return '0';
  for (const [unit, size] of [
    ['d', 86_400_000],
    ['h', 3_600_000],
    ['m', 60_000],
    ['s', 1000],
  ] as const)
    if (ms >= size && ms % size === 0) return `${ms / size}${unit}`;
  return `${ms}ms`;
}

export interface DurationBounds {
  /** Smallest value accepted, in ms (0 allowed only where "at once" means something). */
  min: number;
  /** Largest value accepted, in ms. */
  max: number;
  /** Only compared with, never the delay of a timer: may exceed MAX_TIMER_MS. */
  notATimer?: boolean;
}

/**
 * A duration written as seconds (number) or with a unit ("500ms", "10s", "5m"), parsed to milliseconds
 * and kept within the key's bounds: a 0 or a 30d where the code arms a timer with it would make the
 * gateway spin or fire at once (Node.js runs longer timers after 1 ms).
 */
export function duration(bounds: DurationBounds) {
  const { min, max } = bounds;
  if (!bounds.notATimer && max > MAX_TIMER_MS)
    throw new Error(`duration bound ${max} ms is beyond the longest timer (${MAX_TIMER_MS} ms)`);
  const range = `from ${formatDuration(min)} to ${formatDuration(max)}`;
  return z.union([z.number(), z.string()]).transform((v, ctx) => {
    const ms = parseDurationMs(v);
    if (ms === undefined && !(typeof v === 'number' && v >= 0)) {
      ctx.addIssue({
        code: 'custom',
        message: `expected a duration such as 10, "500ms", "10s" or "5m" (${range}), got ${JSON.stringify(v)}`,
      });
      return z.NEVER;
    }
    if (ms === undefined || ms < min || ms > max) {
      ctx.addIssue({ code: 'custom', message: `expected a duration ${range}, got ${JSON.stringify(v)}` });
      return z.NEVER;
    }
    return ms;
  });
}

function urlWithSchemes(schemes: string[]) {
  return z.string({ error: 'expected a URL string' }).superRefine((value, ctx) => {
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      ctx.addIssue({ code: 'custom', message: `not a valid URL: ${redactUrlForError(value)}` });
      return;
    }
    const scheme = url.protocol.replace(/:$/, '');
    if (!schemes.includes(scheme)) {
      ctx.addIssue({
        code: 'custom',
        message: `unsupported URL scheme "${scheme}", expected one of ${schemes.join(', ')}`,
      });
      return;
    }
    if (scheme === 'file') {
      if (!value.startsWith('file:///')) {
        ctx.addIssue({
          code: 'custom',
          message: 'file URLs must hold an absolute path: file:///abs/path.mp4',
        });
      }
    } else if (!url.hostname) {
      ctx.addIssue({ code: 'custom', message: `URL has no host: ${redactUrlForError(value)}` });
    }
  });
}

/** Never echo a password back in an error message. */
function redactUrlForError(value: string): string {
  return value.replace(/\/\/([^/@:]*):([^/@]*)@/, '//$1:***@');
}

export const cameraUrl = urlWithSchemes(['rtsp', 'rtsps', 'file']);
export const httpUrl = urlWithSchemes(['http', 'https']);
export const mqttUrl = urlWithSchemes(['mqtt', 'mqtts', 'ws', 'wss']);

export const logLevel = z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']);

export const trafficClass = z.enum(TRAFFIC_CLASSES);
