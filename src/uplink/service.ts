import type { Outbox } from '../alerts/outbox.js';
import type { UplinkConfig } from '../config/schema.js';
import type { Service } from '../lifecycle/service.js';
import type { Logger } from '../log/logger.js';
import type { SecretScrubber } from '../log/redact.js';
import { CommandDispatcher } from './commands.js';
import type { CommandReply, CommandTargets, ReplyAddress } from './control.js';
import { HealthReport, type HealthSources } from './health.js';
import { MqttLink } from './mqtt-link.js';
import { MqttOutboxPublisher } from './mqtt-publisher.js';
import { TelemetryAggregator } from './telemetry.js';
import { expandPrefix, Topics } from './topics.js';
import { WebhookSender } from './webhook.js';

export interface UplinkServiceOptions {
  node: { id: string; site: string; name?: string; location?: { lat: number; lon: number } };
  uplink: UplinkConfig;
  dataDir: string;
  outbox: Outbox;
  alerts: CommandTargets['alerts'] & { health(): { open: number } };
  /** What commands act on besides the alerts (cameras, the config, the box); absent parts: not available. */
  commands?: Omit<CommandTargets, 'alerts'>;
  health: HealthSources;
  scrubber: SecretScrubber;
  log: Logger;
  /** Test and bench tuning: reconnect backoff bounds. */
  backoffInitialMs?: number;
  backoffMaxMs?: number;
}

/** `ioc-edge-<site>-<node>` unless configured: stable, so the broker keeps the session across restarts. */
export function uplinkClientId(node: { id: string; site: string }, configured?: string): string {
  return configured ?? `ioc-edge-${node.site}-${node.id}`;
}

/** The topics of this box under `uplink.mqtt.topicPrefix` (or the default prefix without MQTT). */
export function uplinkTopics(node: { id: string; site: string }, uplink: UplinkConfig): Topics {
  return new Topics(expandPrefix(uplink.mqtt?.topicPrefix ?? 'ioc/{site}/{node}', node));
}

/**
 * Everything that leaves the box for the IOC: the MQTT link (status, alerts and evidence from the outbox,
 * telemetry, health, remote commands) and the webhook. Start it after the alerts (it drains their outbox)
 * and before the sources; stopping it publishes `offline` and leaves undelivered messages in the outbox.
 */
export class UplinkService implements Service {
  readonly name = 'uplink';
  readonly topics: Topics;
  readonly telemetry: TelemetryAggregator;
  readonly link: MqttLink | undefined;
  readonly publisher: MqttOutboxPublisher | undefined;
  readonly webhook: WebhookSender | undefined;
  readonly commands: CommandDispatcher;
  private readonly report: HealthReport;
  private readonly timers: NodeJS.Timeout[] = [];
  /** Replies decided while the link was down (a config push's outcome), sent on connect. */
  private readonly pendingReplies: [CommandReply, ReplyAddress][] = [];
  private offApplied: (() => void) | undefined;

  constructor(private readonly opts: UplinkServiceOptions) {
    const { node, uplink, outbox, log } = opts;
    this.topics = uplinkTopics(node, uplink);
    this.telemetry = new TelemetryAggregator(node);
    this.commands = new CommandDispatcher(
      { ...opts.commands, alerts: opts.alerts },
      opts.scrubber,
      log.child({ part: 'commands' }),
    );
    if (uplink.mqtt) {
      this.link = new MqttLink({
        cfg: uplink.mqtt,
        topics: this.topics,
        clientId: uplinkClientId(node, uplink.mqtt.clientId),
        log,
        backoffInitialMs: opts.backoffInitialMs,
        backoffMaxMs: opts.backoffMaxMs,
      });
      this.publisher = new MqttOutboxPublisher(
        this.link,
        outbox,
        this.topics,
        { qos: uplink.mqtt.qos, inflight: uplink.mqtt.inflight },
        log,
      );
    }
    if (uplink.webhook) {
      this.webhook = new WebhookSender(uplink.webhook, outbox, node.id, log.child({ part: 'webhook' }), {
        initialMs: opts.backoffInitialMs,
        maxMs: opts.backoffMaxMs,
      });
    }
    this.report = new HealthReport(node, opts.dataDir, opts.health, () => ({
      outbox: { ...outbox.stats(), inFlight: this.publisher?.inFlight ?? 0 },
      alerts: { open: opts.alerts.health().open },
      uplink: this.uplinkState(),
    }));
  }

  async start(): Promise<void> {
    const { uplink, log } = this.opts;
    const link = this.link;
    if (link && uplink.mqtt) {
      const commands = uplink.mqtt.commands && link.authenticated;
      if (uplink.mqtt.commands && !link.authenticated) {
        log.warn(
          'remote commands are off: the uplink is not an authenticated TLS connection (mqtts:// with a client certificate or username)',
        );
      }
      link.on('up', () => {
        if (commands) link.subscribe(this.topics.commands, 1);
        this.publishHealth();
        for (const [reply, to] of this.pendingReplies.splice(0)) this.sendReply(reply, to);
      });
      link.on('message', (topic, payload, packet) => {
        const name = commands ? this.topics.commandOf(topic) : undefined;
        if (name === undefined) return;
        const props = packet.properties;
        const to: ReplyAddress = { topic: props?.responseTopic ?? this.topics.reply(name) };
        if (props?.correlationData) to.correlation = props.correlationData;
        void this.commands.handle(name, payload, to).then((reply) => {
          if (reply) this.sendReply(reply, to);
        });
      });
      // The outcome of a config push reaches the uplink of the gateway running then (often not this one's
      // predecessor that took the command): it answers once connected.
      const box = this.opts.commands?.box;
      if (commands && box) {
        this.offApplied = box.onApplied((outcome, origin) => {
          const r = this.commands.replyToApply(outcome, origin);
          if (r) this.sendReply(r.reply, r.to);
        });
      }
      link.start();
      this.every(uplink.heartbeat, () => this.publishHealth());
      this.every(uplink.telemetry.interval, () => this.flushTelemetry());
    }
    this.webhook?.start();
  }

  async stop(): Promise<void> {
    this.offApplied?.();
    for (const t of this.timers) clearInterval(t);
    if (this.link) this.flushTelemetry();
    this.publisher?.stop();
    await Promise.all([this.link?.stop(), this.webhook?.stop()]);
  }

  health(): Record<string, unknown> {
    return {
      ...this.uplinkState(),
      inFlight: this.publisher?.inFlight ?? 0,
      commands: this.commands.handled,
    };
  }

  /** Health as published on <prefix>/health (retained: the IOC sees the last one of a box that went away). */
  publishHealth(): void {
    if (!this.link?.connected) return;
    const msg = this.report.build();
    this.link.publish(this.topics.health, JSON.stringify(msg), { qos: 1, retain: true }, () => {});
  }

  private sendReply(reply: CommandReply, to: ReplyAddress): void {
    const link = this.link;
    const { log } = this.opts;
    const props = to.correlation ? { correlationData: to.correlation } : undefined;
    const sent = link?.publish(to.topic, JSON.stringify(reply), { qos: 1, properties: props }, (err) => {
      if (err) log.warn({ command: reply.command, err: err.message }, 'command reply not delivered');
    });
    if (sent) return;
    if (this.pendingReplies.length >= 100) this.pendingReplies.shift();
    this.pendingReplies.push([reply, to]);
  }

  private flushTelemetry(): void {
    const msg = this.telemetry.take();
    if (!msg) return;
    this.opts.outbox.append([{ kind: 'telemetry', payload: Buffer.from(JSON.stringify(msg)) }], false);
  }

  private uplinkState() {
    const link = this.link;
    const state: {
      connectedSince: string | null;
      reconnects: number;
      lastError?: string;
      webhook?: { delivered: number; lastError?: string };
    } = {
      connectedSince: link?.connectedSince ? new Date(link.connectedSince).toISOString() : null,
      reconnects: link?.reconnects ?? 0,
    };
    if (link?.lastError) state.lastError = link.lastError;
    if (this.webhook) {
      state.webhook = { delivered: this.webhook.delivered };
      if (this.webhook.lastError) state.webhook.lastError = this.webhook.lastError;
    }
    return state;
  }

  private every(ms: number, fn: () => void): void {
    const t = setInterval(fn, ms);
    t.unref();
    this.timers.push(t);
  }
}
