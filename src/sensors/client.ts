import { readFileSync } from 'node:fs';
import type { Duplex } from 'node:stream';
import mqtt, { type IClientOptions, type IPublishPacket, type MqttClient } from 'mqtt';
import type { SensorsConfig } from '../config/schema.js';
import type { Logger } from '../log/logger.js';
import type { AckGate } from './ack-gate.js';
import { type PublishHandler, PublishTap } from './publish-tap.js';

export interface SensorClientOptions {
  url: string;
  username?: string;
  password?: string;
  clientId: string;
  protocolVersion: 4 | 5;
  tls?: SensorsConfig['tls'];
  subscriptions: readonly string[];
  log: Logger;
}

/** Handles one message synchronously; false: not stored, do not acknowledge. */
export type MessageHandler = (topic: string, payload: Buffer, messageId: number, dup: boolean) => boolean;

const NOT_STORED = new Error('reading not stored (gateway stopping or spool failing); left unacknowledged');
/** Tells MQTT.js not to send the PUBACK itself: the AckGate sends it once the reading is durable. */
const ACKED_BY_GATE = new Error('acknowledged by the gateway once durable');

type StreamBuilder = (client: MqttClient) => Duplex;

/**
 * The gateway's MQTT.js connection to the sensor bus: a persistent session (fixed client id,
 * clean: false, QoS 1 subscriptions; with MQTT 5 a session that does not expire and a receive maximum
 * of 65,535 so acknowledgements held for a commit do not throttle the broker), so readings published
 * while the gateway is down are delivered when it returns. Subscriptions are made on every connect and
 * never removed: on shutdown the session (and what the broker queues in it) stays.
 *
 * MQTT.js keeps the connection (connect, subscribe, keepalive, reconnect, our own publishes); the
 * readings themselves are read by a PublishTap between the socket and MQTT.js, which hands them to
 * `onMessage` without MQTT.js's per-packet work. A PUBLISH the tap leaves to MQTT.js (QoS 2, never
 * sent on our QoS 1 subscriptions) still arrives through `handleMessage`.
 */
export class SensorClient {
  private client: MqttClient | undefined;
  private stopping = false;
  connected = false;
  /** The broker granted every subscription on the current connection (readings for them are delivered). */
  subscribed = false;
  connects = 0;
  lastError: string | undefined;
  private errorLoggedAt = 0;
  /** The broker socket of the current connection (the gate writes the PUBACKs on it). */
  private socket: Duplex | undefined;

  constructor(
    private readonly opts: SensorClientOptions,
    private readonly onMessage: MessageHandler,
    private readonly gate: AckGate,
  ) {}

  start(): void {
    const { opts } = this;
    const options: IClientOptions = {
      clientId: opts.clientId,
      clean: false,
      protocolVersion: opts.protocolVersion,
      username: opts.username,
      password: opts.password,
      reconnectPeriod: 1000,
      connectTimeout: 10_000,
      keepalive: 30,
      resubscribe: false,
      queueQoSZero: false,
      // MQTT.js traces every packet through `debug`, whose enabled-check alone cost ~8 % of the CPU per
      // message in a profile; the client's own events are logged here instead.
      log: () => {},
    };
    if (opts.protocolVersion === 5)
      options.properties = { sessionExpiryInterval: 0xffffffff, receiveMaximum: 65535 };
    if (opts.tls) {
      options.ca = opts.tls.ca ? readFileSync(opts.tls.ca) : undefined;
      options.cert = opts.tls.cert ? readFileSync(opts.tls.cert) : undefined;
      options.key = opts.tls.key ? readFileSync(opts.tls.key) : undefined;
      options.rejectUnauthorized = opts.tls.rejectUnauthorized;
    }
    // The tap goes between each new connection's socket and MQTT.js: connect once it is in place.
    const client = mqtt.connect(opts.url, { ...options, manualConnect: true });
    this.client = client;
    const internals = client as unknown as { streamBuilder: StreamBuilder };
    const build = internals.streamBuilder;
    if (typeof build !== 'function') throw new Error('MQTT.js without a streamBuilder: cannot read readings');
    internals.streamBuilder = (c) => {
      const tap = new PublishTap(build(c), opts.protocolVersion === 5, this.onPublish);
      this.socket = tap.socket;
      return tap;
    };
    client.handleMessage = (packet: IPublishPacket, callback: (err?: Error) => void) => {
      if (this.stopping) return callback(NOT_STORED);
      if (!this.onMessage(packet.topic, packet.payload as Buffer, packet.messageId ?? 0, packet.dup))
        return callback(NOT_STORED);
      if (packet.qos === 1) this.gate.ack(this.socket, packet.messageId!, () => callback(ACKED_BY_GATE));
      else callback();
    };
    client.connect();
    client.on('connect', (connack) => {
      this.connected = true;
      this.connects++;
      this.opts.log.info(
        { broker: safeUrl(opts.url), clientId: opts.clientId, sessionPresent: connack.sessionPresent },
        'sensor bus connected',
      );
      const subs = Object.fromEntries(opts.subscriptions.map((t) => [t, { qos: 1 as const }]));
      if (opts.subscriptions.length === 0) {
        this.subscribed = true;
        return;
      }
      client.subscribe(subs, (err, granted) => {
        if (err) return this.problem(`subscribe failed: ${err.message}`);
        const refused = (granted ?? []).filter((g) => g.qos === 128);
        if (refused.length > 0)
          return this.problem(`broker refused subscriptions: ${refused.map((g) => g.topic).join(', ')}`);
        // Until now a reading published to a topic no session subscribed yet (the very first start) is
        // dropped by the broker: this is the moment the gateway is ready for sensors.
        this.subscribed = client.connected;
        this.opts.log.info({ topics: opts.subscriptions.length }, 'sensor bus subscribed');
      });
    });
    client.on('close', () => {
      if (this.connected && !this.stopping)
        this.opts.log.warn({ broker: safeUrl(opts.url) }, 'sensor bus connection lost; reconnecting');
      this.connected = false;
      this.subscribed = false;
    });
    client.on('error', (err) => this.problem(err.message));
  }

  private readonly onPublish: PublishHandler = (topic, payload, messageId, qos, dup, next) => {
    // Not stored (stopping, or the spool refusing): no acknowledgement, the broker delivers it again.
    if (this.stopping || !this.onMessage(topic, payload, messageId, dup) || qos === 0) next();
    else this.gate.ack(this.socket, messageId, next);
  };

  /** Publishes a gateway message (dead letters) at QoS 1 while connected; the durable copy is in the store. */
  publish(topic: string, payload: string): void {
    if (this.client?.connected) this.client.publish(topic, payload, { qos: 1 });
  }

  /** Stops taking messages and disconnects; the session and its subscriptions stay on the broker. */
  async stop(beforeDisconnect: () => void): Promise<void> {
    this.stopping = true;
    const client = this.client;
    if (!client) return;
    beforeDisconnect();
    // With manualConnect, MQTT.js's end() re-arms reconnecting once it is done, and a stop while still
    // connecting finishes at once while the socket connects anyway: the client would come back after
    // the gateway stopped, subscribe, and keep the process alive. No reconnect from here on, and a
    // connection not up yet is dropped rather than ended.
    client.options.reconnectPeriod = 0;
    const force = !client.connected;
    await new Promise<void>((resolve) => {
      // end(false) sends DISCONNECT after the PUBACKs the final commit released; a broker that does not
      // answer does not hold the shutdown up.
      const timer = setTimeout(() => {
        client.stream?.destroy();
        resolve();
      }, 2000);
      client.end(force, {}, () => {
        clearTimeout(timer);
        resolve();
      });
    });
    this.connected = false;
  }

  private problem(message: string): void {
    this.lastError = message;
    const now = Date.now();
    if (now - this.errorLoggedAt < 10_000) return;
    this.errorLoggedAt = now;
    this.opts.log.warn(
      { broker: safeUrl(this.opts.url), error: message },
      'sensor bus problem (repeats logged every 10 s)',
    );
  }
}

export function safeUrl(url: string): string {
  try {
    const u = new URL(url);
    u.username = '';
    u.password = '';
    return u.toString().replace(/\/$/, '');
  } catch {
    return 'invalid url';
  }
}
