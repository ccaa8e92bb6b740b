import type { Decoded, Decoder } from './decoded.js';

const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/** A payload that is one number in text ("21.5"): one metric, at the arrival time. */
export class NumberDecoder implements Decoder {
  constructor(
    private readonly metric: string,
    private readonly scale: number,
    private readonly offset: number,
  ) {}

  decode(payload: Buffer, out: Decoded): boolean {
    if (payload.length > 64) return out.fail('not_a_number', `${payload.length} bytes is no plain number`);
    const text = payload.toString('latin1').trim();
    if (!NUMBER.test(text))
      return out.fail('not_a_number', `${JSON.stringify(text.slice(0, 40))} is not a number`);
    const v = Number(text);
    if (!Number.isFinite(v)) return out.fail('non_finite', `${text} is out of the float range`);
    out.push(this.metric, v * this.scale + this.offset, Number.NaN);
    return true;
  }
}
