import type { SensorClient } from './client.js';
import { REJECT_REASONS, type RejectReason } from './decoders/decoded.js';
import type { SensorIngest } from './ingest.js';
import type { Device, DeviceRegistry } from './registry.js';
import type { DeviceRules } from './rules/device-rules.js';

export interface DeviceHealth {
  type: string;
  lastSeen: string | null;
  lastSeenAgeSeconds: number | null;
  readings: number;
  rejected: number;
  readingsPerMinute: number;
  online: boolean | null;
  activeRules: string[];
}

export interface SensorHealth {
  state: 'connected' | 'connecting';
  /** Every subscription granted on the current connection. */
  subscribed: boolean;
  connects: number;
  lastError?: string;
  messages: number;
  readings: number;
  points: number;
  dropped: number;
  redelivered: number;
  rejected: { total: number; notKept: number } & Partial<Record<RejectReason, number>>;
  lastRejected?: { at: string; topic: string; reason: string; detail: string };
  ruleEvents: { raise: number; clear: number };
  devices: Record<string, DeviceHealth>;
}

const WINDOW_SAMPLES = 7;

/** Per-device reading rates over the last minute, sampled every second by the service. */
export class SensorStats {
  private samples: { at: number; readings: number[] }[] = [];

  constructor(
    private readonly registry: DeviceRegistry,
    private readonly ingest: SensorIngest,
  ) {}

  sample(now: number): void {
    const last = this.samples.at(-1);
    if (last && now - last.at < 10_000) return;
    this.samples.push({ at: now, readings: this.registry.devices.map((d) => d.readings) });
    if (this.samples.length > WINDOW_SAMPLES) this.samples.shift();
  }

  ratePerMinute(d: Device): number {
    const first = this.samples[0];
    if (!first) return 0;
    const secs = (Date.now() - first.at) / 1000;
    if (secs < 1) return 0;
    const i = this.registry.devices.indexOf(d);
    return Math.round(((d.readings - (first.readings[i] ?? 0)) / secs) * 60 * 10) / 10;
  }

  health(
    client: SensorClient,
    rules: ReadonlyMap<Device, DeviceRules>,
    ruleEvents: { raise: number; clear: number },
    notKept: number,
  ): SensorHealth {
    const now = Date.now();
    const ing = this.ingest;
    const rejected: SensorHealth['rejected'] = { total: ing.rejected, notKept };
    REJECT_REASONS.forEach((r, i) => {
      if (ing.rejectedBy[i]! > 0) rejected[r] = ing.rejectedBy[i]!;
    });
    const devices: Record<string, DeviceHealth> = {};
    for (const d of this.registry.devices) {
      const r = rules.get(d);
      devices[d.id] = {
        type: d.type,
        lastSeen: d.lastSeenMs ? new Date(d.lastSeenMs).toISOString() : null,
        lastSeenAgeSeconds: d.lastSeenMs ? Math.round((now - d.lastSeenMs) / 1000) : null,
        readings: d.readings,
        rejected: d.rejected,
        readingsPerMinute: this.ratePerMinute(d),
        online: r?.offline ? !r.offline.active : null,
        activeRules: r ? r.active() : [],
      };
    }
    const lr = ing.lastReject;
    return {
      state: client.connected ? 'connected' : 'connecting',
      subscribed: client.subscribed,
      connects: client.connects,
      lastError: client.lastError,
      messages: ing.messages,
      readings: ing.readings,
      points: ing.points,
      dropped: ing.dropped,
      redelivered: ing.redelivered,
      rejected,
      lastRejected: lr
        ? { at: new Date(lr.at).toISOString(), topic: lr.topic, reason: lr.reason, detail: lr.detail }
        : undefined,
      ruleEvents: { ...ruleEvents },
      devices,
    };
  }
}
