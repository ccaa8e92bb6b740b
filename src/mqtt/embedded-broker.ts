import { createServer, type Server } from 'node:net';
import { Aedes } from 'aedes';
import type { Service } from '../lifecycle/service.js';
import type { Logger } from '../log/logger.js';

/** An MQTT broker inside the gateway, for boxes whose sensors publish to the box itself. */
export class EmbeddedBroker implements Service {
  readonly name = 'mqtt-broker';
  private broker?: Aedes;
  private server?: Server;

  constructor(
    private readonly host: string,
    private readonly port: number,
    private readonly log: Logger,
  ) {}

  get address(): { host: string; port: number } {
    const a = this.server?.address();
    return { host: this.host, port: typeof a === 'object' && a ? a.port : this.port };
  }

  async start(): Promise<void> {
    const broker = await Aedes.createBroker();
    const server = createServer(broker.handle);
    await new Promise<void>((resolve, reject) => {
      server.once('error', (err: NodeJS.ErrnoException) =>
        reject(
          new Error(
            `embedded MQTT broker cannot listen on ${this.host}:${this.port}: ${err.code ?? err.message}` +
              (err.code === 'EADDRINUSE'
                ? ' (another broker is running? set mqtt.broker.embedded: false to use it)'
                : ''),
          ),
        ),
      );
      server.listen(this.port, this.host, () => resolve());
    });
    server.on('error', (err) => this.log.error({ err }, 'embedded broker error'));
    this.broker = broker;
    this.server = server;
    this.log.info(this.address, 'embedded MQTT broker listening');
  }

  async stop(): Promise<void> {
    const { server, broker } = this;
    this.server = undefined;
    this.broker = undefined;
    if (broker) await new Promise<void>((r) => broker.close(() => r()));
    if (server) await new Promise<void>((r) => server.close(() => r()));
  }
}
