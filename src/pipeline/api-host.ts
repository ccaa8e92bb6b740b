import { isDeepStrictEqual } from 'node:util';
import { alertRoutes } from '../alerts/alert-routes.js';
import { analyticsRoutes } from '../analytics/analytics-routes.js';
import type { CountHistory } from '../analytics/count-history.js';
import { ApiServer, type ApiTimeouts } from '../api/server.js';
import { cameraRoutes } from '../camera/camera-routes.js';
import type { ProbeResult } from '../camera/probe.js';
import { fileConfigEditor } from '../config/config-document.js';
import type { ResolvedConfig } from '../config/load.js';
import type { Logger } from '../log/logger.js';
import type { SecretScrubber } from '../log/redact.js';
import { sensorRoutes } from '../sensors/sensor-routes.js';
import { configRoutes } from './config-routes.js';
import type { Gateway } from './gateway.js';
import type { GatewayRunner } from './runner.js';

export interface ApiHostOptions {
  runner: GatewayRunner<Gateway>;
  counts: CountHistory;
  scrubber: SecretScrubber;
  log: Logger;
  /** Camera check before a camera is saved (tests may shorten it). */
  probe?: (url: string, transport: 'tcp' | 'udp') => Promise<ProbeResult>;
  timeouts?: Partial<ApiTimeouts>;
}

const apiSettings = (cfg: ResolvedConfig) => ({
  ...cfg.api,
  token: cfg.api.token ?? process.env.IOC_EDGE_API_TOKEN,
  node: cfg.node.id,
  site: cfg.node.site,
});

/**
 * The API server of the box, outliving the gateways a config apply replaces: its routes reach the
 * modules of whichever gateway runs now, so a PUT /api/config that waits for its apply is answered by the
 * same server. The server itself restarts only when the api settings change, after that answer is sent.
 */
export class ApiHost {
  private server?: ApiServer;
  private settings?: ReturnType<typeof apiSettings>;
  private restarting: Promise<void> = Promise.resolve();
  private unsubscribe?: () => void;

  constructor(private readonly opts: ApiHostOptions) {}

  get url(): string | undefined {
    return this.server?.url;
  }

  /** The server answering now (undefined while it restarts or when api.enabled is false). */
  get current(): ApiServer | undefined {
    return this.server;
  }

  async start(): Promise<void> {
    await this.listen(this.opts.runner.config);
    this.unsubscribe = this.opts.runner.onApplied((outcome) => {
      if (outcome.status !== 'applied') return;
      if (isDeepStrictEqual(apiSettings(this.opts.runner.config), this.settings)) return;
      // Not awaited: closing waits for the request that applied this config to be answered.
      this.restarting = this.restarting.then(() => this.restart());
    });
  }

  async stop(): Promise<void> {
    this.unsubscribe?.();
    await this.restarting;
    await this.server?.stop();
    this.server = undefined;
  }

  private async restart(): Promise<void> {
    const { log, runner } = this.opts;
    log.info('api settings changed: restarting the API');
    const previous = this.settings;
    await this.server?.stop();
    this.server = undefined;
    try {
      await this.listen(runner.config);
    } catch (err) {
      log.error({ err }, 'the API cannot listen with the new settings: back on the previous ones');
      if (previous?.enabled) await this.serve(previous);
    }
  }

  private async listen(cfg: ResolvedConfig): Promise<void> {
    this.settings = apiSettings(cfg);
    if (!this.settings.enabled) {
      this.opts.log.info('api.enabled is false: no local API');
      return;
    }
    await this.serve(this.settings);
  }

  private async serve(s: ReturnType<typeof apiSettings>): Promise<void> {
    const { runner, counts, scrubber, log } = this.opts;
    const gateway = () => runner.current;
    const config = fileConfigEditor(runner);
    const server = new ApiServer({
      host: s.host,
      port: s.port,
      token: s.token,
      hostnames: s.hostnames,
      nodeId: s.node,
      site: s.site,
      metrics: () => gateway()?.metrics,
      health: () => {
        const g = gateway();
        const parts = g?.health() ?? {};
        if (runner.applying) parts.config = { status: 'starting', detail: { applying: true } };
        return parts;
      },
      scrubber,
      log,
      timeouts: this.opts.timeouts,
      routes: (app) => {
        void app.register(cameraRoutes, {
          cameras: () => gateway()?.cameras,
          config,
          overlay: (id) => gateway()?.overlay(id),
          probe: this.opts.probe,
        });
        void app.register(analyticsRoutes, {
          config,
          counts,
          lineSizes: (id) => gateway()?.traffic?.lineSizes(id),
        });
        void app.register(configRoutes, { config, scrubber });
        void app.register(sensorRoutes, { sensors: () => gateway()?.sensors });
        void app.register(alertRoutes, { alerts: () => gateway()?.alerts });
      },
    });
    await server.start();
    this.server = server;
  }
}
