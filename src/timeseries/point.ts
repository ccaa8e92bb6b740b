/**
 * A field value. The JavaScript type decides the line-protocol type, so integers and floats never mix
 * up in InfluxDB (a field's type is fixed by its first write; a conflict rejects later points):
 * - `number`  → float (`1`, `2.5`; NaN and ±Infinity cannot be stored, such fields are left out),
 * - `bigint`  → integer (`3i`, must fit int64; write counts as `int(n)` or `3n`),
 * - `boolean` → boolean, `string` → string.
 * `undefined` and `null` fields are left out, so optional metrics need no branching at the call site.
 */
export type FieldValue = number | bigint | boolean | string;

export interface Point {
  /** Measurement name, e.g. `traffic_count`. */
  readonly measurement: string;
  /** Tag values; empty or undefined values are left out (line protocol has no empty tag value). */
  readonly tags?: Readonly<Record<string, string | undefined>>;
  /** At least one field must remain after leaving out undefined/null/non-finite values. */
  readonly fields: Readonly<Record<string, FieldValue | null | undefined>>;
  /**
   * Milliseconds since the Unix epoch as a `number` (fractions keep sub-millisecond precision down to
   * the nanosecond), or nanoseconds since the epoch as a `bigint`. Absent: the time of `write()`.
   */
  readonly time?: number | bigint;
}

/** Wire precision of timestamps; the spool keeps each line's precision with it. */
export type Precision = 'ns' | 'us' | 'ms' | 's';

/** An integer field value: `int(count)` is `BigInt(Math.trunc(count))`. */
export function int(n: number): bigint {
  return BigInt(Math.trunc(n));
}

/** Where points go. Implementations must be sync-fast: no I/O on the caller's stack. */
export interface TimeSeriesSink {
  /**
   * Encodes the point and appends it to the durable spool's current batch. Returns false (and counts
   * it) when the point cannot be encoded; never throws for bad input. The point is durable once the
   * batch commits (within the sink's commit interval), which `flush()` waits for.
   */
  write(point: Point): boolean;
  /** Resolves once every point accepted before the call is committed to the spool (durable). */
  flush(): Promise<void>;
}
