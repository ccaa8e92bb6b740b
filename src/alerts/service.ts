import type { CongestionChange, Incident } from '../analytics/events.js';
import type { CameraTransition } from '../camera/camera-state.js';
import type { AlertsConfig, UplinkConfig } from '../config/schema.js';
import type { Service } from '../lifecycle/service.js';
import type { Logger } from '../log/logger.js';
import type { SensorRuleEvent } from '../sensors/events.js';
import type { Store } from '../store/store.js';
import { congestionSignal, incidentSignal } from './from-analytics.js';
import { CameraDownWatch } from './from-cameras.js';
import { diskUsage, type NodeConditions, NodeWatch } from './from-node.js';
import { sensorSignal } from './from-sensors.js';
import { AlertManager, type AlertManagerHealth } from './manager.js';
import { Outbox, type OutboxSink, type OutboxStats } from './outbox.js';
import { RecentAlerts } from './recent-alerts.js';

export interface AlertsServiceOptions {
  node: { id: string; site: string; name?: string; location?: { lat: number; lon: number } };
  cameras: readonly { id: string; name?: string }[];
  alerts: AlertsConfig;
  /** Which sinks get a copy of each message (the IOC broker, the webhook). */
  uplink: Pick<UplinkConfig, 'mqtt' | 'webhook'>;
  dataDir: string;
  store: Store;
  log: Logger;
  /** `<prefix>/evidence/<id>`, named in alert messages that have a picture. */
  evidenceTopic?: (alertId: string) => string;
  /** The time-series spool's fill, for the spool_full alert. */
  spool?: () => NodeConditions['spool'];
  /** Frees room when the outbox finds the disk full (the spool drops its oldest points); true if it did. */
  makeRoom?: () => boolean;
  /** How often the box's own conditions are checked (default 10 s). */
  nodeCheckMs?: number;
}

export interface AlertsHealth extends AlertManagerHealth {
  outbox: OutboxStats;
}

/** The sinks taking alert messages for a given uplink config. */
export function outboxSinks(uplink: Pick<UplinkConfig, 'mqtt' | 'webhook'>): OutboxSink[] {
  const sinks: OutboxSink[] = [];
  if (uplink.mqtt) sinks.push({ name: 'mqtt', kinds: ['alert', 'evidence', 'telemetry'] });
  if (uplink.webhook) sinks.push({ name: 'webhook', kinds: ['alert', 'evidence'] });
  return sinks;
}

/**
 * The alerts of the gateway: its sources (incidents, congestion, sensor rules, camera down/up, the box's
 * disk, spool and outbox) turned into alerts by one manager, every message in the durable outbox that the
 * uplink drains. A sink of the pipeline: it is fed events, it never reaches into the parts that make them.
 */
export class AlertsService implements Service {
  readonly name = 'alerts';
  readonly outbox: Outbox;
  readonly manager: AlertManager;
  readonly recent = new RecentAlerts();
  private readonly cameraWatch: CameraDownWatch;
  private readonly nodeWatch: NodeWatch;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly opts: AlertsServiceOptions) {
    const { log } = opts;
    this.outbox = new Outbox(opts.store, outboxSinks(opts.uplink), opts.alerts.outbox.maxBytes, (what, n) =>
      log.warn({ what, n }, 'alert outbox full: dropped the least valuable messages'),
    );
    this.outbox.makeRoom = opts.makeRoom;
    this.outbox.onHeld = (n, err) => {
      if (err) log.error({ err, held: n }, 'disk full: alert messages held in memory until there is room');
      else if (n === 0) log.info('disk has room again: the held alert messages are written');
    };
    this.manager = new AlertManager({
      node: opts.node,
      cameraNames: Object.fromEntries(opts.cameras.flatMap((c) => (c.name ? [[c.id, c.name]] : []))),
      outbox: this.outbox,
      cooldownMs: opts.alerts.cooldown,
      updateIntervalMs: opts.alerts.updateInterval,
      evidenceTopic: opts.evidenceTopic,
      recent: this.recent,
      log,
    });
    const signal = this.manager.signal.bind(this.manager);
    this.cameraWatch = new CameraDownWatch(opts.alerts.cameraDownAfter, signal);
    this.nodeWatch = new NodeWatch(opts.node.id, opts.alerts.diskMinFree, signal);
  }

  async start(): Promise<void> {
    for (const [sink, n] of Object.entries(this.outbox.dropUnconfigured())) {
      this.opts.log.warn(
        { sink, messages: n },
        'alert outbox: dropped the messages of a destination no longer configured',
      );
    }
    await this.manager.start();
    this.checkNode();
    this.timer = setInterval(() => this.checkNode(), this.opts.nodeCheckMs ?? 10_000);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.cameraWatch.stop();
    await this.manager.stop();
    const lost = this.outbox.flushHeld();
    if (lost > 0) this.opts.log.error({ messages: lost }, 'disk full at stop: alert messages not written');
  }

  incidentStart(i: Incident, evidenceExpected: boolean): void {
    this.manager.signal(incidentSignal(i, 'raise', evidenceExpected));
  }

  incidentEnd(i: Incident): void {
    this.manager.signal(incidentSignal(i, 'clear'));
  }

  /** The incident's evidence picture, once rendered. */
  incidentEvidence(incidentId: string, jpeg: Buffer): void {
    this.manager.evidence(incidentId, jpeg);
  }

  congestion(e: CongestionChange): void {
    this.manager.signal(congestionSignal(e));
  }

  sensorRule(e: SensorRuleEvent): void {
    this.manager.signal(sensorSignal(e));
  }

  cameraState(t: CameraTransition): void {
    this.cameraWatch.onTransition(t);
  }

  health(): AlertsHealth {
    return { ...this.manager.health(), outbox: this.outbox.stats() };
  }

  private checkNode(): void {
    const o = this.outbox;
    try {
      this.nodeWatch.sample({
        disk: diskUsage(this.opts.dataDir),
        spool: this.opts.spool?.(),
        outbox: {
          bytes: o.sizeBytes,
          maxBytes: o.maxBytes,
          dropped: o.dropped.infoAlerts + o.dropped.evidence + o.dropped.telemetry,
        },
      });
    } catch (err) {
      this.opts.log.error({ err }, 'node conditions check failed');
    }
  }
}
