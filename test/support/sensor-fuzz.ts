import type { RejectReason } from '../../src/sensors/decoders/decoded.js';

/** mulberry32: the same "random" payloads on every run. */
export function prng(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export type FuzzMessage = { topic: string; payload: string | Buffer; bad?: RejectReason };

/**
 * Fuzzed sensor messages for a gateway with two devices: `aq-01` on sensors/aq-01/state (json decoder,
 * fields pm25 ← pm2_5, seq, temperature ← env.temp, time ← ts, pm25 within 0..1000) and `lvl-01` on
 * sensors/lvl-01/level (number decoder), subscribed to sensors/#. About 70 % are bad, each labelled with
 * the reason the gateway must give; the valid ones carry increasing seq / level values from `seqFrom`.
 */
export function generateFuzz(n: number, seed: number, base: number, seqFrom: number) {
  const rnd = prng(seed);
  const pick = <T>(a: readonly T[]) => a[Math.floor(rnd() * a.length)]!;
  const aq = 'sensors/aq-01/state';
  let seq = seqFrom;
  let level = seqFrom;
  const valid = { aq: 0, lvl: 0 };
  const bad: ((i: number) => FuzzMessage)[] = [
    (i) => ({ topic: aq, payload: `{"pm2_5":${i},"ts":${base}`.slice(0, 5 + (i % 10)), bad: 'invalid_json' }),
    (i) => ({
      topic: aq,
      payload: `{"pm2_5":1,"pad":"${'x'.repeat(70_000 + (i % 1000))}"}`,
      bad: 'too_large',
    }),
    (i) => ({
      topic: aq,
      payload: `${'{"a":'.repeat(40 + (i % 50))}1${'}'.repeat(40 + (i % 50))}`,
      bad: 'too_deep',
    }),
    (i) => ({ topic: aq, payload: `${'['.repeat(33 + (i % 500))}`, bad: 'too_deep' }),
    () => ({ topic: aq, payload: `{"pm2_5":1e999,"ts":${base}}`, bad: 'non_finite' }),
    () => ({ topic: aq, payload: `{"pm2_5":NaN,"ts":${base}}`, bad: 'invalid_json' }),
    (i) => ({ topic: aq, payload: `{"pm2_5":"${i}.5","ts":${base}}`, bad: 'not_a_number' }),
    (i) => ({ topic: aq, payload: `{"pm2_5":[${i}],"ts":${base}}`, bad: 'not_a_number' }),
    () => ({ topic: aq, payload: `{"pm2_5":{"v":1},"ts":${base}}`, bad: 'not_a_number' }),
    () => ({ topic: aq, payload: `{"pm2_5":null,"ts":${base}}`, bad: 'no_metrics' }),
    () => ({ topic: aq, payload: pick(['null', '42', '"text"', 'true', '[]']), bad: 'invalid_payload' }),
    () => ({
      topic: aq,
      payload: Buffer.from(
        Array.from({ length: 1 + Math.floor(rnd() * 200) }, () => Math.floor(rnd() * 256)).map((b) =>
          b === 0x7b ? 0 : b,
        ),
      ),
      bad: 'invalid_json',
    }),
    (i) => ({ topic: `sensors/ghost-${i % 97}/state`, payload: '{"pm2_5":1}', bad: 'unknown_device' }),
    (i) => ({ topic: aq, payload: `{"pm2_5":${-1 - (i % 50)},"ts":${base}}`, bad: 'out_of_range' }),
    () => ({ topic: aq, payload: `{"pm2_5":1,"ts":${Date.now() + 86_400_000}}`, bad: 'time_skew' }),
    () => ({ topic: aq, payload: `{"pm2_5":1,"ts":"soon"}`, bad: 'bad_time' }),
    () => ({
      topic: 'sensors/lvl-01/level',
      payload: pick(['abc', '1,5', 'Infinity', '', '0x10']),
      bad: 'not_a_number',
    }),
    () => ({ topic: 'sensors/lvl-01/level', payload: '9'.repeat(400), bad: 'not_a_number' }),
  ];
  const msgs: FuzzMessage[] = [];
  for (let i = 0; i < n; i++) {
    const r = rnd();
    if (r < 0.2) {
      valid.aq++;
      const s = seq++;
      msgs.push({
        topic: 'sensors/aq-01/state',
        payload: `{"pm2_5":${(s % 400) / 2},"seq":${s},"env":{"temp":${20 + (s % 15)}},"ts":${base + s}}`,
      });
    } else if (r < 0.3) {
      valid.lvl++;
      msgs.push({ topic: 'sensors/lvl-01/level', payload: String(level++) });
    } else msgs.push(pick(bad)(i));
  }
  return { msgs, valid, bad: msgs.filter((m) => m.bad).length };
}
