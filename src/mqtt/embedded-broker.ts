import { createServer, type Server, type Socket } from 'node:net';
import { Aedes, type Client } from 'aedes';
import type { MqttBrokerConfig, SensorsConfig } from '../config/schema.js';
import type { Service } from '../lifecycle/service.js';
import type { Logger } from '../log/logger.js';
import { type Access, BrokerAccess } from './broker-access.js';
import { guardPacketSize } from './packet-guard.js';
import { PublishRate } from './rate-limit.js';
import { RetainedLimit } from './retained-limit.js';

interface ClientState {
  access: Access;
  rate: PublishRate | undefined;
}

/**
 * An MQTT broker inside the gateway, for boxes whose sensors publish to the box itself. Hardened as a
 * door on a roadside network: credentials and per-topic ACLs (BrokerAccess), a maximum packet size
 * enforced before buffering, bounded retained messages, a client limit and a per-client publish rate.
 * Listens on 127.0.0.1 unless configured otherwise.
 */
export class EmbeddedBroker implements Service {
  readonly name = 'mqtt-broker';
  readonly access: BrokerAccess;
  readonly retained: RetainedLimit;
  private broker?: Aedes;
  private server?: Server;
  private readonly clients = new WeakMap<Client, ClientState>();
  /** Refusals since start, by kind (for health and tests). */
  readonly refused = { auth: 0, publish: 0, subscribe: 0, tooLarge: 0, rate: 0, clients: 0 };
  private loggedAt = 0;

  constructor(
    private readonly cfg: MqttBrokerConfig,
    sensors: Pick<SensorsConfig, 'devices' | 'subscribe'>,
    private readonly log: Logger,
  ) {
    this.access = new BrokerAccess(cfg, sensors);
    this.retained = new RetainedLimit(cfg.maxRetained, cfg.maxRetainedSize);
  }

  /** The gateway's own credential on this broker (generated per start). */
  get gatewayCredentials(): { username: string; password: string } {
    return this.access.gateway;
  }

  /** The aedes instance while running (its events: 'publish', 'ack', 'client', ...). */
  get aedes(): Aedes | undefined {
    return this.broker;
  }

  get address(): { host: string; port: number } {
    const a = this.server?.address();
    return { host: this.cfg.host, port: typeof a === 'object' && a ? a.port : this.cfg.port };
  }

  /** Whether an MQTT URL points at this broker (so a client there should use the gateway credential). */
  serves(url: string): boolean {
    try {
      const u = new URL(url);
      const port = Number(u.port || (u.protocol === 'mqtt:' ? 1883 : 0));
      const local = ['127.0.0.1', 'localhost', '[::1]', this.cfg.host].includes(u.hostname);
      return u.protocol === 'mqtt:' && local && port === this.address.port;
    } catch {
      return false;
    }
  }

  async start(): Promise<void> {
    const cfg = this.cfg;
    const broker = await Aedes.createBroker({
      preConnect: (_client, _packet, cb) => {
        if (broker.connectedClients >= cfg.maxClients) {
          this.refuse('clients', `client limit ${cfg.maxClients} reached`);
          return cb(null, false);
        }
        cb(null, true);
      },
      authenticate: (client, username, password, cb) => {
        const a = this.access.authenticate(username, password, (client.conn as Socket).remoteAddress);
        if (typeof a === 'string') {
          this.refuse('auth', a, client.id);
          const err = Object.assign(new Error(a), { returnCode: username ? 4 : 5 });
          return cb(err as never, false);
        }
        this.clients.set(client, {
          access: a,
          rate: a.role === 'gateway' ? undefined : new PublishRate(cfg.maxPublishRate),
        });
        cb(null, true);
      },
      authorizePublish: (client, packet, cb) => {
        const state = client ? this.clients.get(client) : undefined;
        if (client && !state) return cb(new Error('not authenticated'));
        if (state) {
          if (!this.access.mayPublish(state.access, packet.topic)) {
            this.refuse('publish', `${state.access.user} may not publish to ${packet.topic}`, client?.id);
            return cb(new Error(`not allowed to publish to ${packet.topic}`));
          }
          if (state.rate && !state.rate.allow(Date.now())) {
            this.refuse(
              'rate',
              `${state.access.user} publishes faster than ${cfg.maxPublishRate}/s`,
              client?.id,
            );
            return cb(new Error('publish rate limit'));
          }
        }
        if (packet.retain && !this.retained.admit(packet.topic, packet.payload.length)) packet.retain = false;
        cb(null);
      },
      authorizeSubscribe: (client, sub, cb) => {
        const state = this.clients.get(client);
        if (!state || !this.access.maySubscribe(state.access)) {
          this.refuse(
            'subscribe',
            `${state?.access.user ?? client.id} may not subscribe to ${sub.topic}`,
            client.id,
          );
          return cb(null, null);
        }
        cb(null, sub);
      },
    });
    const server = createServer((socket) => {
      guardPacketSize(socket, cfg.maxPacketSize, (bytes) =>
        this.refuse(
          'tooLarge',
          `packet of ${bytes} bytes from ${socket.remoteAddress} over ${cfg.maxPacketSize}`,
        ),
      );
      broker.handle(socket);
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', (err: NodeJS.ErrnoException) =>
        reject(
          new Error(
            `embedded MQTT broker cannot listen on ${cfg.host}:${cfg.port}: ${err.code ?? err.message}` +
              (err.code === 'EADDRINUSE'
                ? ' (another broker is running? set mqtt.broker.embedded: false to use it)'
                : ''),
          ),
        ),
      );
      server.listen(cfg.port, cfg.host, () => resolve());
    });
    server.on('error', (err) => this.log.error({ err }, 'embedded broker error'));
    broker.on('clientError', () => {});
    this.broker = broker;
    this.server = server;
    this.log.info(
      { ...this.address, anonymous: cfg.anonymous, users: cfg.users.length },
      'embedded MQTT broker listening',
    );
  }

  async stop(): Promise<void> {
    const { server, broker } = this;
    this.server = undefined;
    this.broker = undefined;
    if (broker) await new Promise<void>((r) => broker.close(() => r()));
    if (server) await new Promise<void>((r) => server.close(() => r()));
  }

  health(): Record<string, unknown> {
    return {
      address: this.address,
      clients: this.broker?.connectedClients ?? 0,
      retained: this.retained.count,
      retainRefused: this.retained.refused,
      refused: { ...this.refused },
    };
  }

  private refuse(kind: keyof EmbeddedBroker['refused'], why: string, clientId?: string): void {
    this.refused[kind]++;
    const now = Date.now();
    if (now - this.loggedAt < 10_000) return;
    this.loggedAt = now;
    this.log.warn(
      { kind, clientId, why },
      'embedded broker refused a client or message (further ones logged every 10 s)',
    );
  }
}
