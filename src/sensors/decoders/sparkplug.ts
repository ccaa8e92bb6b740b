import sparkplug from 'sparkplug-payload';
import type { Decoded, Decoder } from './decoded.js';

const codec = sparkplug.get('spBv1.0')!;

/** protobufjs gives 64-bit integers (timestamps, aliases, Int64 values) as Long objects. */
function toNumber(v: unknown): number {
  if (typeof v === 'number') return v;
  if (v && typeof v === 'object' && 'toNumber' in v) return (v as { toNumber(): number }).toNumber();
  return Number.NaN;
}

/**
 * Sparkplug B (Eclipse Tahu's `sparkplug-payload` codec): NBIRTH/DBIRTH/NDATA/DDATA payloads on
 * `spBv1.0/<group>/<type>/<edge node>[/<device>]`. Numeric, integer (Int64 as a number) and boolean
 * (1/0) metrics become readings, at the metric's timestamp, else the payload's; strings, datasets and
 * templates are left out. Metrics sent by alias only (DATA after a BIRTH) are named from the aliases the
 * BIRTH gave. `fields` maps metric → Sparkplug metric name (e.g. `level_m: Inputs/Level`); without it
 * every metric keeps its Sparkplug name.
 */
export class SparkplugDecoder implements Decoder {
  private readonly aliases = new Map<number, string>();
  private readonly rename: Map<string, string> | undefined;

  constructor(fields?: Record<string, string>) {
    this.rename = fields
      ? new Map(Object.entries(fields).map(([metric, name]) => [name, metric]))
      : undefined;
  }

  decode(payload: Buffer, out: Decoded): boolean {
    let p: ReturnType<typeof codec.decodePayload>;
    try {
      p = codec.decodePayload(payload);
    } catch (err) {
      return out.fail(
        'invalid_payload',
        `not a Sparkplug B payload: ${(err as Error).message.slice(0, 120)}`,
      );
    }
    const payloadTime = p.timestamp == null ? Number.NaN : toNumber(p.timestamp);
    for (const m of p.metrics ?? []) {
      const alias = m.alias == null ? undefined : toNumber(m.alias);
      let name = m.name ?? undefined;
      if (name && alias !== undefined) this.aliases.set(alias, name);
      else if (!name && alias !== undefined) name = this.aliases.get(alias);
      if (!name || m.isNull) continue;
      const metric = this.rename ? this.rename.get(name) : name;
      if (metric === undefined) continue;
      const raw = m.value;
      let v: number;
      if (typeof raw === 'boolean') v = raw ? 1 : 0;
      else if (typeof raw === 'number' || (raw && typeof raw === 'object' && 'toNumber' in raw))
        v = toNumber(raw);
      else continue;
      if (!Number.isFinite(v)) return out.fail('non_finite', `${name} is ${v}`);
      const t = m.timestamp == null ? payloadTime : toNumber(m.timestamp);
      out.push(metric, v, t);
    }
    return (
      out.n > 0 || out.fail('no_metrics', 'no numeric or boolean metric (or only aliases no BIRTH named yet)')
    );
  }
}
