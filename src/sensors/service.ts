import type { Registry } from 'prom-client';
import type { SensorsConfig } from '../config/schema.js';
import type { Service } from '../lifecycle/service.js';
import type { Logger } from '../log/logger.js';
import type { Store } from '../store/store.js';
import { sensorHealth } from '../timeseries/measurements.js';
import type { SpoolSink } from '../timeseries/spool-sink.js';
import { AckGate } from './ack-gate.js';
import { ArrivalLedger } from './arrival-ledger.js';
import { SensorClient, safeUrl } from './client.js';
import type { SensorEvent, SensorReading, SensorRuleEvent } from './events.js';
import { type SensorHealth, SensorStats } from './health.js';
import { SensorIngest } from './ingest.js';
import { registerSensorMetrics } from './metrics.js';
import { RecentReadings } from './recent-readings.js';
import { type Device, DeviceRegistry } from './registry.js';
import { type RejectedMessage, RejectedStore } from './rejected-store.js';
import { DeviceRules } from './rules/device-rules.js';

export interface SensorServiceOptions {
  sensors: SensorsConfig;
  node: { id: string; site: string };
  /** The durable time-series sink (TimeSeriesService.sink) and the store its spool lives in. */
  sink: SpoolSink;
  spoolStore: Store;
  /** Rule events (and readings, with `readingEvents`) for the rest of the gateway (the alerts). */
  publish: (event: SensorEvent) => void;
  log: Logger;
  metrics?: Registry;
  /** Credentials to use when the config has none (the embedded broker's own gateway user). */
  credentials?: { username: string; password: string };
  /** Overrides the config's protocolVersion (3.1.1 for the embedded aedes broker). */
  protocolVersion?: 4 | 5;
  /**
   * Also hand every reading to `publish` (off by default: it is the hot path). The event object is reused:
   * valid only during the call.
   */
  readingEvents?: boolean;
  /** sensor_health points every this many ms (default 60 s; 0: never). */
  healthIntervalMs?: number;
}

/**
 * Sensors over MQTT: the persistent-session client, decoders and validation per device, every valid
 * reading into the durable spool before its PUBACK leaves, rejected messages kept, dead-lettered and
 * counted, and the rules (threshold, rate, offline) whose events go to `publish`.
 */
export class SensorService implements Service {
  readonly name = 'sensors';
  readonly registry: DeviceRegistry;
  readonly ingest: SensorIngest;
  readonly rejectedStore: RejectedStore;
  readonly ledger: ArrivalLedger;
  readonly gate: AckGate;
  readonly stats: SensorStats;
  private readonly client: SensorClient;
  private readonly rules = new Map<Device, DeviceRules>();
  private readonly deadLetterTopic: string;
  private timer: NodeJS.Timeout | undefined;
  private syncTimer: NodeJS.Timeout | undefined;
  private syncedAt = 0;
  /** WAL syncs (checkpoints) done, and the last one's duration in ms. */
  syncs = 0;
  lastSyncMs = 0;
  private healthTimer: NodeJS.Timeout | undefined;
  private readonly log: Logger;
  ruleEvents = { raise: 0, clear: 0 };
  /** Last values and recent history per device, for the console. */
  readonly recent = new RecentReadings<Device>();
  private readonly readingEvent: SensorReading = {
    type: 'reading',
    device: '',
    deviceType: '',
    metric: '',
    value: 0,
    timeMs: 0,
  };

  constructor(private readonly opts: SensorServiceOptions) {
    const { sensors, node } = opts;
    this.log = opts.log;
    this.registry = new DeviceRegistry(sensors);
    this.rejectedStore = new RejectedStore(opts.spoolStore, sensors.keepRejected);
    this.ledger = new ArrivalLedger(opts.spoolStore);
    opts.sink.addParticipant(this.rejectedStore);
    opts.sink.addParticipant(this.ledger);
    // Last: it releases acknowledgements once the others' rows are committed too.
    this.gate = new AckGate(opts.sink, sensors.ackAfter === 'sync');
    this.deadLetterTopic = sensors.deadLetterTopic
      .replaceAll('{node}', node.id)
      .replaceAll('{site}', node.site);
    const now = Date.now();
    const emit = (e: SensorRuleEvent) => this.onRule(e);
    for (const d of this.registry.devices) {
      const r = new DeviceRules(d.cfg, sensors.offlineAfter, emit, now);
      if (!r.empty || r.offline) this.rules.set(d, r);
    }
    this.ingest = new SensorIngest(this.registry, opts.sink, this.ledger, sensors, {
      reject: (r) => this.onReject(r),
      reading: (device, metric, value, timeMs) => {
        const rules = this.rules.get(device);
        if (rules) rules.update(metric, value, timeMs);
        this.recent.record(device, metric, value, timeMs);
        if (!opts.readingEvents) return;
        // One reused event: handlers take what they need during the call (the bus is synchronous).
        const r = this.readingEvent;
        r.device = device.id;
        r.deviceType = device.type;
        r.metric = metric;
        r.value = value;
        r.unit = device.spec(metric).unit;
        r.timeMs = timeMs;
        opts.publish(r);
      },
      seen: (device, nowMs) => this.rules.get(device)?.offline?.seen(nowMs),
    });
    this.client = new SensorClient(
      {
        url: sensors.broker,
        username: sensors.username ?? opts.credentials?.username,
        password: sensors.password ?? opts.credentials?.password,
        clientId: sensors.clientId ?? `ioc-edge-${node.id}-sensors`,
        protocolVersion: opts.protocolVersion ?? sensors.protocolVersion ?? 5,
        tls: sensors.tls,
        subscriptions: this.registry.subscriptions,
        log: opts.log,
      },
      (topic, payload, messageId, dup) => {
        // Our own dead letters, if a wide subscription catches them, are not readings.
        if (topic === this.deadLetterTopic) return true;
        return this.ingest.handle(topic, payload, messageId, dup, Date.now());
      },
      this.gate,
    );
    this.stats = new SensorStats(this.registry, this.ingest);
    if (opts.metrics) registerSensorMetrics(opts.metrics, this);
  }

  get connected(): boolean {
    return this.client.connected;
  }

  async start(): Promise<void> {
    this.client.start();
    this.timer = setInterval(() => this.tick(), 1000);
    this.timer.unref();
    this.syncTimer = setInterval(() => this.sync(), this.opts.sensors.syncInterval);
    this.syncTimer.unref();
    const every = this.opts.healthIntervalMs ?? 60_000;
    if (every > 0) {
      this.healthTimer = setInterval(() => this.writeHealth(), every);
      this.healthTimer.unref();
    }
    this.log.info(
      {
        broker: safeUrl(this.opts.sensors.broker),
        devices: this.registry.devices.length,
        subscriptions: this.registry.subscriptions,
        remembered: this.ledger.remembered,
      },
      'sensors started',
    );
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    clearInterval(this.syncTimer);
    clearInterval(this.healthTimer);
    await this.client.stop(() => {
      // Commit what was taken in so its acknowledgements leave before DISCONNECT.
      try {
        this.opts.sink.commit();
        this.sync();
      } catch (err) {
        this.log.error({ err }, 'sensors: final commit failed; the broker will deliver those readings again');
      }
    });
  }

  health(): SensorHealth {
    return this.stats.health(this.client, this.rules, this.ruleEvents, this.rejectedStore.skipped);
  }

  /**
   * Syncs the spool's WAL to the disk (a PASSIVE checkpoint fsyncs the WAL, then copies it into the
   * database) when readings were committed since the last sync: with synchronous=NORMAL a commit is
   * not on the disk until then, so this bounds what a power cut can take back to `syncInterval`. With
   * ackAfter: sync, the held acknowledgements are released only here.
   */
  private sync(): void {
    const sink = this.opts.sink;
    if (sink.isClosed) return;
    if (sink.committed === this.syncedAt && !sink.hasUncommitted() && this.gate.holding === 0) return;
    const t0 = performance.now();
    try {
      sink.commit();
      this.opts.spoolStore.db.pragma('wal_checkpoint(PASSIVE)');
      this.syncedAt = sink.committed;
      this.syncs++;
      this.lastSyncMs = performance.now() - t0;
      this.gate.synced();
    } catch (err) {
      this.log.error({ err }, 'sensors: spool sync failed; acknowledgements held');
    }
  }

  private tick(): void {
    const now = Date.now();
    for (const r of this.rules.values()) r.offline?.check(now);
    this.stats.sample(now);
  }

  private writeHealth(): void {
    const now = Date.now();
    for (const d of this.registry.devices)
      this.opts.sink.write(sensorHealth(d, this.stats.ratePerMinute(d), now));
  }

  private onRule(e: SensorRuleEvent): void {
    this.ruleEvents[e.state]++;
    this.log.info(
      { device: e.device, rule: e.rule, state: e.state, severity: e.severity, metric: e.metric },
      e.detail,
    );
    try {
      this.opts.publish(e);
    } catch (err) {
      this.log.error({ err }, 'sensor rule event consumer failed');
    }
  }

  private rejectLoggedAt = 0;

  private onReject(r: RejectedMessage): void {
    this.rejectedStore.add(r);
    if (r.at - this.rejectLoggedAt >= 10_000) {
      this.rejectLoggedAt = r.at;
      this.log.warn(
        {
          topic: r.topic,
          device: r.device,
          reason: r.reason,
          detail: r.detail,
          rejected: this.ingest.rejected,
        },
        'sensor message rejected (kept for `ioc-edge sensors --rejected`; further ones logged every 10 s)',
      );
    }
    this.client.publish(
      this.deadLetterTopic,
      JSON.stringify({ ...r, at: new Date(r.at).toISOString(), node: this.opts.node.id }),
    );
  }
}
