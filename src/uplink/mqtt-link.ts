import { EventEmitter } from 'node:events';
import { readFileSync } from 'node:fs';
import mqtt, {
  type IClientOptions,
  type IClientPublishOptions,
  type IPublishPacket,
  type MqttClient,
} from 'mqtt';
import type { UplinkConfig } from '../config/schema.js';
import { Backoff } from '../lifecycle/backoff.js';
import type { Logger } from '../log/logger.js';
import { redactUrl } from '../log/redact.js';
import type { Topics } from './topics.js';

export type UplinkMqttConfig = NonNullable<UplinkConfig['mqtt']>;

export interface MqttLinkOptions {
  cfg: UplinkMqttConfig;
  topics: Topics;
  clientId: string;
  log: Logger;
  /** Reconnect delays (the project's backoff policy); defaults 1 s → 60 s. */
  backoffInitialMs?: number;
  backoffMaxMs?: number;
  connectTimeoutMs?: number;
}

export interface MqttLinkEvents {
  /** Connected (again); `online` is published. */
  up: [];
  /** The connection closed; everything published and not acknowledged is to be sent again. */
  down: [];
  message: [topic: string, payload: Buffer, packet: IPublishPacket];
}

/**
 * The connection to the IOC broker: TLS with a pinned CA and optional client certificate, credentials, a
 * persistent session, `<prefix>/status` retained `online` with a retained `offline` last will. Reconnects
 * with the project's backoff. Messages left unacknowledged by a dropped connection are discarded from the
 * client (their owner re-sends them from the outbox, in order) rather than replayed by MQTT.js.
 */
export class MqttLink extends EventEmitter<MqttLinkEvents> {
  private client: MqttClient | undefined;
  private readonly backoff: Backoff;
  private retryTimer: NodeJS.Timeout | undefined;
  private stopping = false;
  private failures = 0;
  connectedSince: number | undefined;
  reconnects = 0;
  lastError: string | undefined;

  constructor(readonly opts: MqttLinkOptions) {
    super();
    this.backoff = new Backoff({
      initialMs: opts.backoffInitialMs ?? 1000,
      maxMs: opts.backoffMaxMs ?? 60_000,
      jitter: [0.8, 1.2],
    });
  }

  get connected(): boolean {
    return this.client?.connected === true;
  }

  /** TLS with a CA and (optionally) a client certificate, and credentials: the IOC knows who this is. */
  get authenticated(): boolean {
    const { cfg } = this.opts;
    const tls = /^(mqtts|wss):/.test(cfg.url);
    return tls && (cfg.tls?.cert !== undefined || cfg.username !== undefined);
  }

  /** Reads the TLS files (a clear error when one is missing) and starts connecting; does not wait for it. */
  start(): void {
    const { cfg, topics, clientId } = this.opts;
    const options: IClientOptions = {
      clientId,
      username: cfg.username,
      password: cfg.password,
      protocolVersion: cfg.protocolVersion,
      clean: false,
      keepalive: Math.max(1, Math.round(cfg.keepalive / 1000)),
      reconnectPeriod: 0,
      connectTimeout: this.opts.connectTimeoutMs ?? 15_000,
      queueQoSZero: false,
      resubscribe: true,
      will: { topic: topics.status, payload: Buffer.from('offline'), qos: 1, retain: true },
      rejectUnauthorized: true,
    };
    if (cfg.protocolVersion === 5) {
      options.properties = { sessionExpiryInterval: Math.round(cfg.sessionExpiry / 1000) };
    }
    if (cfg.tls) {
      if (cfg.tls.ca) options.ca = readTlsFile('uplink.mqtt.tls.ca', cfg.tls.ca);
      if (cfg.tls.cert) options.cert = readTlsFile('uplink.mqtt.tls.cert', cfg.tls.cert);
      if (cfg.tls.key) options.key = readTlsFile('uplink.mqtt.tls.key', cfg.tls.key);
      if (cfg.tls.servername) options.servername = cfg.tls.servername;
    }
    const client = mqtt.connect(cfg.url, options);
    this.client = client;
    client.on('connect', () => this.onConnect(client));
    client.on('close', () => this.onClose(client));
    client.on('error', (err) => this.onError(err));
    client.on('message', (topic, payload, packet) => this.emit('message', topic, payload, packet));
  }

  /** Publishes `offline` (retained) and disconnects; bounded so a dead link cannot hold the shutdown. */
  async stop(timeoutMs = 2000): Promise<void> {
    this.stopping = true;
    clearTimeout(this.retryTimer);
    const client = this.client;
    if (!client) return;
    const { topics } = this.opts;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => client.end(true, {}, () => resolve()), timeoutMs);
      const end = () =>
        client.end(false, {}, () => {
          clearTimeout(timer);
          resolve();
        });
      if (client.connected) client.publish(topics.status, 'offline', { qos: 1, retain: true }, end);
      else {
        clearTimeout(timer);
        client.end(true, {}, () => resolve());
      }
    });
  }

  /** Publishes now; the callback has the acknowledgement (or the error). Only while connected. */
  publish(
    topic: string,
    payload: Buffer | string,
    options: IClientPublishOptions,
    cb: (err?: Error) => void,
  ): boolean {
    const client = this.client;
    if (!client?.connected) return false;
    client.publish(topic, payload, options, (err) => cb(err ?? undefined));
    return true;
  }

  subscribe(topic: string, qos: 0 | 1 | 2): void {
    this.client?.subscribe(topic, { qos }, (err) => {
      if (err) this.opts.log.warn({ topic, err: err.message }, 'uplink subscribe failed');
    });
  }

  private onConnect(client: MqttClient): void {
    if (client !== this.client) return;
    const down = this.failures;
    this.failures = 0;
    this.backoff.reset();
    this.lastError = undefined;
    if (this.connectedSince !== undefined || down > 0) this.reconnects++;
    this.connectedSince = Date.now();
    this.opts.log.info(
      {
        broker: redactUrl(this.opts.cfg.url),
        clientId: this.opts.clientId,
        failedAttempts: down || undefined,
      },
      'uplink connected',
    );
    client.publish(this.opts.topics.status, 'online', { qos: 1, retain: true });
    this.emit('up');
  }

  private onClose(client: MqttClient): void {
    if (client !== this.client) return;
    const wasUp = this.connectedSince !== undefined;
    this.connectedSince = undefined;
    // Unacknowledged publishes are dropped from the client: the outbox sends them again after reconnecting.
    const outgoing = (client as unknown as { outgoing: Record<string, { cmd: string }> }).outgoing;
    for (const id of Object.keys(outgoing)) {
      if (outgoing[id]?.cmd === 'publish') client.removeOutgoingMessage(Number(id));
    }
    if (wasUp) this.emit('down');
    if (this.stopping) return;
    this.failures++;
    const delay = this.backoff.next();
    if (wasUp || this.failures === 1 || this.failures % 10 === 0) {
      this.opts.log.warn(
        {
          broker: redactUrl(this.opts.cfg.url),
          error: this.lastError,
          attempts: this.failures,
          retryInMs: delay,
        },
        'uplink disconnected; retrying',
      );
    }
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => {
      if (!this.stopping && this.client === client) client.reconnect();
    }, delay);
  }

  private onError(err: Error & { code?: number | string }): void {
    this.lastError = err.code !== undefined ? `${err.message} (${err.code})` : err.message;
    const client = this.client;
    // A broker that speaks only MQTT 3.1.1 (the embedded one of the demo): the next attempts use it.
    if (client && client.options.protocolVersion === 5 && (err.code === 1 || err.code === 0x84)) {
      client.options.protocolVersion = 4;
      client.options.properties = undefined;
      this.opts.log.info(
        { broker: redactUrl(this.opts.cfg.url) },
        'uplink broker does not speak MQTT 5; using 3.1.1',
      );
    }
  }
}

function readTlsFile(key: string, path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'file not found' : code === 'EACCES' ? 'permission denied' : String(err);
    throw new Error(`${key}: cannot read ${path}: ${why}`);
  }
}
