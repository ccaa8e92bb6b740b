import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';
import type { Service } from '../lifecycle/service.js';
import type { Logger } from '../log/logger.js';
import type { SecretScrubber } from '../log/redact.js';

/** A named part of the gateway that reports its state (cameras, spool, uplink...). */
export type HealthSource = () => Record<string, unknown>;

/** The local HTTP API: health for technicians and the uplink, Prometheus metrics. */
export class ApiServer implements Service {
  readonly name = 'api';
  readonly app: FastifyInstance;
  private readonly health = new Map<string, HealthSource>();
  private readonly startedAt = Date.now();

  constructor(
    private readonly opts: { host: string; port: number; nodeId: string; site: string },
    private readonly metrics: Registry,
    private readonly scrubber: SecretScrubber,
    log: Logger,
  ) {
    this.app = Fastify({
      // Requests are logged at info by Fastify; keep the API's own log to warnings and errors.
      loggerInstance: log.child({ module: 'api' }, { level: 'warn' }) as unknown as FastifyBaseLogger,
    });
    this.app.get('/healthz', async () => ({ ok: true }));
    this.app.get('/api/health', async (_req, reply) => {
      const parts: Record<string, unknown> = {};
      for (const [name, source] of this.health) parts[name] = source();
      const body = JSON.stringify({
        node: this.opts.nodeId,
        site: this.opts.site,
        uptimeSeconds: Math.round((Date.now() - this.startedAt) / 1000),
        ...parts,
      });
      // Health can carry camera URLs; secrets never leave the box through it.
      reply.type('application/json').send(this.scrubber.scrub(body));
    });
    this.app.get('/metrics', async (_req, reply) => {
      reply.type(this.metrics.contentType).send(await this.metrics.metrics());
    });
  }

  addHealth(name: string, source: HealthSource): void {
    this.health.set(name, source);
  }

  get url(): string {
    const a = this.app.server.address();
    const port = typeof a === 'object' && a ? a.port : this.opts.port;
    return `http://${this.opts.host}:${port}`;
  }

  async start(): Promise<void> {
    await this.app.listen({ host: this.opts.host, port: this.opts.port });
  }

  async stop(): Promise<void> {
    await this.app.close();
  }
}
