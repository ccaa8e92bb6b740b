import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import websocket from '@fastify/websocket';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';
import type { Service } from '../lifecycle/service.js';
import type { Logger } from '../log/logger.js';
import type { SecretScrubber } from '../log/redact.js';
import { consoleAssets } from './console-assets.js';
import { installErrorShape } from './errors.js';
import { installGuard, isLoopback } from './guard.js';
import { type ComponentHealth, overallStatus } from './health.js';

export interface ApiTimeouts {
  /** Whole request head received within this (slow or half-sent requests are cut). Default 10 s. */
  headersMs: number;
  /** Whole request, body included. Default 30 s. */
  requestMs: number;
  /** An idle keep-alive connection is closed after this. Default 5 s. */
  keepAliveMs: number;
  /** How often those limits are checked (Node's default is 30 s). Default 1 s. */
  checkEveryMs: number;
}

export interface ApiServerOptions {
  host: string;
  port: number;
  token?: string;
  /** Host names (besides IP addresses, localhost and the machine's own name) the API answers to. */
  hostnames?: readonly string[];
  nodeId: string;
  site: string;
  /** The Prometheus registry of the gateway running now (undefined while none runs). */
  metrics: () => Registry | undefined;
  /** Each part's health, read at every request. */
  health: () => Record<string, ComponentHealth>;
  scrubber: SecretScrubber;
  log: Logger;
  /** Registers the modules' route plugins (cameras, analytics, config...). */
  routes: (app: FastifyInstance) => void;
  /** Serve the technician console at / (default true). */
  console?: boolean;
  timeouts?: Partial<ApiTimeouts>;
}

const DEFAULT_TIMEOUTS: ApiTimeouts = {
  headersMs: 10_000,
  requestMs: 30_000,
  keepAliveMs: 5000,
  checkEveryMs: 1000,
};

/**
 * The local HTTP API and technician console. It holds only what every route shares: the host, origin
 * and token guard, request timeouts, the error shape, /healthz, /api/health, /metrics and the console's
 * static files. Each module registers its own routes as a Fastify plugin through `routes`.
 */
export class ApiServer implements Service {
  readonly name = 'api';
  readonly app: FastifyInstance;
  /** Where it actually listens: 127.0.0.1 when no token is set, whatever api.host says. */
  readonly host: string;
  /** Every route registered (method, URL), for the tests that check each is guarded. */
  readonly routes: { method: string; url: string; public: boolean }[] = [];
  private readonly startedAt = Date.now();
  private readonly log: Logger;

  constructor(private readonly opts: ApiServerOptions) {
    const log = opts.log.child({ module: 'api' });
    this.log = log;
    this.host = opts.token || isLoopback(opts.host) ? opts.host : '127.0.0.1';
    if (this.host !== opts.host) {
      log.warn(
        { requested: opts.host },
        'api.token is not set: the API listens on 127.0.0.1 only; set api.token to serve the network',
      );
    }
    const t = { ...DEFAULT_TIMEOUTS, ...opts.timeouts };
    this.app = Fastify({
      // Requests are logged at info by Fastify; keep the API's own log to warnings and errors.
      loggerInstance: log.child({}, { level: 'warn' }) as unknown as FastifyBaseLogger,
      bodyLimit: 1024 * 1024,
      // Fastify sets these on the server it gets from serverFactory (its defaults would undo ours).
      requestTimeout: t.requestMs,
      keepAliveTimeout: t.keepAliveMs,
      serverFactory: (handler) => {
        const server: Server = createServer(
          {
            headersTimeout: t.headersMs,
            requestTimeout: t.requestMs,
            keepAliveTimeout: t.keepAliveMs,
            connectionsCheckingInterval: t.checkEveryMs,
          },
          handler as (req: IncomingMessage, res: ServerResponse) => void,
        );
        server.maxConnections = 512;
        return server;
      },
      ajv: {
        // Unknown keys are errors and nothing is coerced or defaulted: what was sent is what is checked.
        customOptions: {
          removeAdditional: false,
          coerceTypes: false,
          useDefaults: false,
          allErrors: true,
          allowUnionTypes: true,
        },
      },
    });
    const app = this.app;
    app.addHook('onRoute', (r) => {
      const methods = Array.isArray(r.method) ? r.method : [r.method];
      const isPublic = (r.config as { public?: boolean } | undefined)?.public === true;
      for (const m of methods)
        if (m !== 'HEAD') this.routes.push({ method: m, url: r.url, public: isPublic });
    });
    // A cross-site form can post text/plain without a CORS preflight: only JSON (and YAML for the config).
    app.removeContentTypeParser('text/plain');
    installErrorShape(app, log);
    installGuard(app, { token: opts.token, hostnames: opts.hostnames });
    void app.register(websocket, { options: { maxPayload: 4096 } });

    app.get('/healthz', { config: { public: true } }, async () => ({ ok: true }));
    app.get('/api/health', async (_req, reply) => {
      const parts = opts.health();
      const body: Record<string, unknown> = {
        status: overallStatus(parts),
        node: opts.nodeId,
        site: opts.site,
        uptimeSeconds: Math.round((Date.now() - this.startedAt) / 1000),
        components: Object.fromEntries(Object.entries(parts).map(([k, v]) => [k, v.status])),
      };
      for (const [k, v] of Object.entries(parts)) body[k] = v.detail;
      // Health can carry camera URLs; secrets never leave the box through it.
      return reply.type('application/json').send(opts.scrubber.scrub(JSON.stringify(body)));
    });
    app.get('/metrics', async (_req, reply) => {
      const registry = opts.metrics();
      if (!registry) return reply.code(503).send({ error: 'the gateway is (re)starting' });
      return reply.type(registry.contentType).send(await registry.metrics());
    });
    if (opts.console !== false) this.serveConsole();
    void app.register(async (scope) => opts.routes(scope));
  }

  private serveConsole(): void {
    const files = () => consoleAssets(this.log);
    // Bundling takes a moment: start it now, not at the first visit.
    files().catch((err) => this.log.error({ err }, 'technician console unavailable'));
    const send = async (name: string, reply: import('fastify').FastifyReply) => {
      const assets = await files().catch(() => undefined);
      const a = assets?.get(name);
      if (!a)
        return reply.code(assets ? 404 : 503).send({ error: assets ? 'not found' : 'console not built' });
      return reply.type(a.type).header('cache-control', 'no-cache').send(a.body);
    };
    this.app.get('/', { config: { public: true } }, (_req, reply) => send('/index.html', reply));
    this.app.get<{ Params: { file: string } }>('/console/:file', { config: { public: true } }, (req, reply) =>
      send(`/${req.params.file}`, reply),
    );
  }

  get url(): string {
    const a = this.app.server.address();
    const port = typeof a === 'object' && a ? a.port : this.opts.port;
    const host = this.host.includes(':') ? `[${this.host}]` : this.host;
    return `http://${host}:${port}`;
  }

  async start(): Promise<void> {
    try {
      await this.app.listen({ host: this.host, port: this.opts.port });
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      const where = `${this.host}:${this.opts.port}`;
      if (code === 'EADDRINUSE')
        throw new Error(`api.port: ${where} is in use by another process (another gateway still running?)`);
      if (code === 'EACCES')
        throw new Error(`api.port: not allowed to listen on ${where} (ports below 1024 need root)`);
      if (code === 'EADDRNOTAVAIL') throw new Error(`api.host: ${this.host} is no address of this machine`);
      throw err;
    }
    this.log.info({ url: this.url }, 'API listening');
  }

  async stop(): Promise<void> {
    await this.app.close();
  }
}
