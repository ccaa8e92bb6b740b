import { describe, expect, it } from 'vitest';
import { Decoded } from '../../src/sensors/decoders/decoded.js';
import { JsonDecoder, type JsonDecoderOptions } from '../../src/sensors/decoders/json.js';
import { JsonScanner } from '../../src/sensors/decoders/json-scan.js';
import { prng } from '../support/sensor-fuzz.js';

const LIMITS = { maxPayload: 65_536, maxJsonDepth: 8 };

function decodeBoth(opts: JsonDecoderOptions, payload: string | Buffer) {
  const buf = typeof payload === 'string' ? Buffer.from(payload) : payload;
  const result = (scan: boolean) => {
    const out = new Decoded();
    const ok = new JsonDecoder({ ...opts, scan }, LIMITS).decode(buf, out);
    return {
      ok,
      readings: Array.from({ length: out.n }, (_, i) => [out.metrics[i], out.values[i], out.times[i]]),
      reason: out.reason,
      detail: out.detail,
    };
  };
  return { scanned: result(true), parsed: result(false) };
}

const NUMBERS = [
  '0',
  '-0',
  '12',
  '-7',
  '12.5',
  '0.05',
  '1.500',
  '3e2',
  '3E-2',
  '-1.25e+3',
  '1e22',
  '1e23',
  '123456789012345',
  '1234567890123456789',
  '0.1',
  '0.30000000000000004',
  '9007199254740993',
  '1e400',
  '-1e-400',
  '5e-324',
  '01',
  '1.',
  '.5',
  '+1',
  '-',
  '1e',
  '0x10',
  '1.2.3',
  '2.5e-7',
  '17976931348623157e292',
];
const VALUES = [
  ...NUMBERS,
  'true',
  'false',
  'null',
  '"21.5"',
  '"2026-12-01T10:00:00Z"',
  '[1,2]',
  '{"x":1}',
  '"a\\"b"',
];
const TIMES = [
  '1733066400000',
  '1733066400',
  '"2026-12-01T10:00:00Z"',
  '"2026-12-01 10:00:00"',
  '"1733066400"',
  'null',
  '"\\u0032026-12-01T10:00:00Z"',
  '"nope"',
  '-5',
  '1e400',
  'true',
];
const KEYS = ['"pm2_5"', '"pm10"', '"env"', '"ts"', '"other"', '"pm2\\u005f5"', '"t\u00e9mp"', '"toString"'];

describe('JsonScanner (mapped json fields without JSON.parse)', () => {
  const opts: JsonDecoderOptions = {
    fields: { pm25: 'pm2_5', pm10: { path: 'pm10', scale: 0.1, offset: 1 }, temperature: 'env.temp' },
    time: 'ts',
  };

  it('reads the bench payload', () => {
    const { scanned } = decodeBoth(opts, '{"pm2_5":12.5,"pm10":19.5,"env":{"temp":25},"ts":1733066400000}');
    expect(scanned.ok).toBe(true);
    expect(scanned.readings).toEqual([
      ['pm25', 12.5, 1733066400000],
      ['pm10', 19.5 * 0.1 + 1, 1733066400000],
      ['temperature', 25, 1733066400000],
    ]);
  });

  it('gives exactly what JSON.parse gives, readings and refusals, on 20,000 generated payloads', () => {
    const rnd = prng(15);
    const pick = <T>(a: readonly T[]) => a[Math.floor(rnd() * a.length)]!;
    const sp = () => pick(['', '', ' ', '\n', '\t', '\r\n ']);
    const variants: JsonDecoderOptions[] = [
      opts,
      { ...opts, booleans: true },
      { ...opts, time: { path: 'ts', unit: 's' }, timeOptional: true },
      { fields: { a: 'x.a', b: 'x.b' }, root: 'obj' },
      { fields: { pm25: 'pm2_5', t: 't\u00e9mp' } },
    ];
    let fast = 0;
    const scanner = JsonScanner.create([['pm2_5'], ['pm10'], ['env', 'temp'], ['ts']], 3, false, 8)!;
    for (let n = 0; n < 20_000; n++) {
      const members: string[] = [];
      const count = Math.floor(rnd() * 6);
      for (let k = 0; k < count; k++) {
        const r = rnd();
        const key = r < 0.7 ? pick(['"pm2_5"', '"pm10"', '"ts"']) : pick(KEYS);
        let value: string;
        if (key === '"ts"') value = pick(TIMES);
        else if (key === '"env"' || rnd() < 0.05)
          value = `{${sp()}"temp"${sp()}:${sp()}${pick(VALUES)}${rnd() < 0.2 ? `,"temp":${pick(NUMBERS)}` : ''}}`;
        else value = pick(VALUES);
        members.push(`${sp()}${key}${sp()}:${sp()}${value}${sp()}`);
      }
      if (rnd() < 0.3) members.push(`"obj":{"x":{"a":${pick(NUMBERS)},"b":${pick(VALUES)}}}`);
      let text = `${sp()}{${members.join(',')}}${sp()}`;
      const m = rnd();
      if (m < 0.05) text = text.slice(0, Math.floor(rnd() * text.length));
      else if (m < 0.1) text = text.replace(',', ',,');
      else if (m < 0.12) text = `[${text}]`;
      else if (m < 0.14) text = `${text}x`;
      else if (m < 0.16) text = `${'{"a":'.repeat(9)}1${'}'.repeat(9)}`;
      let payload: Buffer = Buffer.from(text);
      if (rnd() < 0.05) {
        payload = Buffer.from(payload);
        payload[Math.floor(rnd() * payload.length)] = Math.floor(rnd() * 256);
      }
      const o = pick(variants);
      const { scanned, parsed } = decodeBoth(o, payload);
      expect(scanned, payload.toString()).toEqual(parsed);
      if (parsed.ok && scanner.scan(payload)) fast++;
    }
    // Enough payloads the scanner read itself for the comparison to mean something.
    expect(fast).toBeGreaterThan(500);
  });
});
