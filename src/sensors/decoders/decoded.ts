/** Why a message was rejected: the label of `ioc_sensor_rejected_total` and of each dead letter. */
export const REJECT_REASONS = [
  'too_large',
  'too_deep',
  'invalid_json',
  'invalid_payload',
  'not_a_number',
  'non_finite',
  'out_of_range',
  'bad_time',
  'time_skew',
  'no_metrics',
  'unknown_device',
  'not_stored',
] as const;
export type RejectReason = (typeof REJECT_REASONS)[number];

/**
 * What a decoder made of one payload, in arrays reused from message to message (no allocation per
 * reading): entry i is `metrics[i] = values[i]` at `times[i]` (epoch ms; NaN: the arrival time).
 */
export class Decoded {
  n = 0;
  readonly metrics: string[] = [];
  readonly values: number[] = [];
  readonly times: number[] = [];
  reason: RejectReason | undefined;
  detail = '';

  reset(): void {
    this.n = 0;
    this.reason = undefined;
    this.detail = '';
  }

  push(metric: string, value: number, timeMs: number): void {
    const i = this.n++;
    this.metrics[i] = metric;
    this.values[i] = value;
    this.times[i] = timeMs;
  }

  /** Records why the payload is refused; always returns false so decoders can `return out.fail(...)`. */
  fail(reason: RejectReason, detail: string): false {
    this.reason = reason;
    this.detail = detail;
    return false;
  }
}

/** Turns one payload into readings. Never throws: a bad payload returns false with the reason set. */
export interface Decoder {
  decode(payload: Buffer, out: Decoded): boolean;
}
