import type { SensorsConfig } from '../config/schema.js';
import type { SpoolSink } from '../timeseries/spool-sink.js';
import { type ArrivalLedger, messageKey } from './arrival-ledger.js';
import { Decoded, REJECT_REASONS, type RejectReason } from './decoders/decoded.js';
import type { Device, DeviceRegistry } from './registry.js';
import type { RejectedMessage } from './rejected-store.js';
import { payloadText } from './validation.js';

export type IngestLimits = Pick<
  SensorsConfig,
  'maxPayload' | 'maxFutureSkew' | 'maxAge' | 'skew' | 'unknownDevices'
>;

export interface IngestOutputs {
  /** A rejected message: kept, dead-lettered, counted by the caller. */
  reject(r: RejectedMessage): void;
  /** A stored reading's values, for the rules (called per metric, in message order). */
  reading(device: Device, metric: string, value: number, timeMs: number): void;
  /** A message of this device was stored (once per message, after its readings). */
  seen(device: Device, nowMs: number): void;
}

const LINE_KEY = /[,= \\\n\r]/;

/**
 * One MQTT message in, synchronously: device by topic, decode, validate, one `sensor` line per distinct
 * time into the durable sink. Never throws on input; every refusal is a reason and a record.
 * The hot path allocates the line string and little else (decoder output arrays are reused).
 */
export class SensorIngest {
  private readonly out = new Decoded();
  private readonly prefixes = new Map<Device, string>();
  private readonly fieldKeys = new Map<string, string>();
  /** Messages handled; readings (metric values) stored; messages dropped as unknown (policy drop). */
  messages = 0;
  readings = 0;
  points = 0;
  dropped = 0;
  /** Redelivered messages (DUP) found in the arrival ledger: stored before, given their first time. */
  redelivered = 0;
  readonly rejectedBy = new Array<number>(REJECT_REASONS.length).fill(0);
  lastReject: RejectedMessage | undefined;

  constructor(
    private readonly registry: DeviceRegistry,
    private readonly sink: SpoolSink,
    private readonly ledger: ArrivalLedger,
    private readonly limits: IngestLimits,
    private readonly outputs: IngestOutputs,
  ) {
    for (const d of registry.devices) {
      this.prefixes.set(d, sink.seriesKey('sensor', { device: d.id, type: d.type, site: d.site }));
      d.lastArrivalMs = ledger.lastArrival(d.id);
    }
  }

  get rejected(): number {
    let n = 0;
    for (const v of this.rejectedBy) n += v;
    return n;
  }

  /**
   * Handles one message. Returns false only when the sink refused to store it (shutting down, or the
   * disk failing with 200,000 points waiting): the caller must then not acknowledge it.
   */
  handle(topic: string, payload: Buffer, messageId: number, dup: boolean, nowMs: number): boolean {
    this.messages++;
    const device = this.registry.resolve(topic);
    if (payload.length > this.limits.maxPayload)
      return this.reject(
        topic,
        device,
        payload,
        nowMs,
        'too_large',
        `${payload.length} bytes, limit ${this.limits.maxPayload}`,
      );
    if (!device) {
      if (this.limits.unknownDevices === 'drop') {
        this.dropped++;
        return true;
      }
      return this.reject(
        topic,
        undefined,
        payload,
        nowMs,
        'unknown_device',
        'no device in sensors.devices has this topic',
      );
    }
    const out = this.out;
    out.reset();
    if (!device.decoder.decode(payload, out))
      return this.reject(topic, device, payload, nowMs, out.reason ?? 'invalid_payload', out.detail);

    // Range: an out-of-range metric is left out (and the message recorded as rejected); the rest is kept.
    let kept = 0;
    let rangeDetail = '';
    for (let i = 0; i < out.n; i++) {
      const spec = device.spec(out.metrics[i]!);
      const v = out.values[i]!;
      if (v < spec.min || v > spec.max) {
        if (rangeDetail === '') rangeDetail = `${out.metrics[i]} ${v} outside [${spec.min}, ${spec.max}]`;
        continue;
      }
      if (kept !== i) {
        out.metrics[kept] = out.metrics[i]!;
        out.values[kept] = v;
        out.times[kept] = out.times[i]!;
      }
      kept++;
    }
    out.n = kept;

    // Time: the device's own (checked against the clock), or the arrival time.
    let arrival = Number.NaN;
    for (let i = 0; i < out.n; i++) {
      const t = out.times[i]!;
      if (Number.isNaN(t)) {
        if (Number.isNaN(arrival)) arrival = this.arrivalTime(device, topic, payload, messageId, dup, nowMs);
        out.times[i] = arrival;
      } else if (t > nowMs + this.limits.maxFutureSkew || t < nowMs - this.limits.maxAge) {
        if (this.limits.skew === 'reject') {
          const ahead = t > nowMs;
          return this.reject(
            topic,
            device,
            payload,
            nowMs,
            'time_skew',
            `time ${new Date(t).toISOString()} is ${Math.round(Math.abs(t - nowMs) / 1000)} s ${ahead ? 'ahead of' : 'behind'} the gateway clock`,
          );
        }
        out.times[i] = t > nowMs ? nowMs : nowMs - this.limits.maxAge;
      }
    }

    if (out.n > 0 && !this.store(device, out)) return false;
    device.lastSeenMs = nowMs;
    device.readings += out.n;
    this.readings += out.n;
    for (let i = 0; i < out.n; i++)
      this.outputs.reading(device, out.metrics[i]!, out.values[i]!, out.times[i]!);
    this.outputs.seen(device, nowMs);
    if (rangeDetail !== '') return this.reject(topic, device, payload, nowMs, 'out_of_range', rangeDetail);
    return true;
  }

  /** One line per run of equal times (one line for nearly every message). */
  private store(device: Device, out: Decoded): boolean {
    const prefix = this.prefixes.get(device)!;
    const precision = this.sink.precision;
    let i = 0;
    while (i < out.n) {
      const t = out.times[i]!;
      let line = `${prefix} ${this.fieldKey(out.metrics[i]!)}=${out.values[i]}`;
      let j = i + 1;
      for (; j < out.n && out.times[j] === t; j++)
        line += `,${this.fieldKey(out.metrics[j]!)}=${out.values[j]}`;
      line += ` ${formatMs(t, precision)}`;
      if (!this.sink.writeLine(line)) return false;
      this.points++;
      i = j;
    }
    return true;
  }

  private fieldKey(metric: string): string {
    if (!LINE_KEY.test(metric)) return metric;
    let k = this.fieldKeys.get(metric);
    if (k === undefined) {
      k = metric.replace(/[,= ]/g, '\\$&').replace(/[\\\n\r]/g, '_');
      if (this.fieldKeys.size < 10_000) this.fieldKeys.set(metric, k);
    }
    return k;
  }

  /**
   * A message without its own time gets the arrival time, strictly increasing per device (so two readings
   * in one millisecond stay two points), or, when the broker delivers it again after a crash, the time it
   * was stored with the first time (so it overwrites itself in InfluxDB).
   */
  private arrivalTime(
    device: Device,
    topic: string,
    payload: Buffer,
    messageId: number,
    dup: boolean,
    nowMs: number,
  ): number {
    const key = messageKey(topic, payload, messageId);
    if (dup) {
      const before = this.ledger.lookup(key);
      if (before !== undefined) {
        this.redelivered++;
        // Recorded again: if this run dies before acknowledging it too, the next one still knows it.
        this.ledger.record(key, before, device.id);
        return before;
      }
    }
    const t = nowMs > device.lastArrivalMs ? nowMs : device.lastArrivalMs + 1;
    device.lastArrivalMs = t;
    this.ledger.record(key, t, device.id);
    return t;
  }

  private reject(
    topic: string,
    device: Device | undefined,
    payload: Buffer,
    nowMs: number,
    reason: RejectReason,
    detail: string,
  ): true {
    this.rejectedBy[REJECT_REASONS.indexOf(reason)]!++;
    if (device) device.rejected++;
    const { text, encoding } = payloadText(payload);
    const r: RejectedMessage = {
      at: nowMs,
      topic: topic.length > 256 ? `${topic.slice(0, 256)}…` : topic,
      device: device?.id ?? null,
      reason,
      detail,
      payload: text,
      encoding,
      bytes: payload.length,
    };
    this.lastReject = r;
    this.outputs.reject(r);
    return true;
  }
}

/** Epoch ms at the sink's precision (integer ms; readings carry no sub-ms time). */
function formatMs(t: number, precision: string): string {
  const ms = Math.floor(t);
  switch (precision) {
    case 'ms':
      return String(ms);
    case 's':
      return String(Math.floor(ms / 1000));
    case 'us':
      return `${ms}000`;
    default:
      return `${ms}000000`;
  }
}
