import { CountHistory } from '../analytics/count-history.js';
import type { Incident } from '../analytics/events.js';
import type { ResolvedConfig } from '../config/load.js';
import { SystemdNotifier } from '../lifecycle/sd-notify.js';
import type { Logger } from '../log/logger.js';
import type { SecretScrubber } from '../log/redact.js';
import { ApiHost, type ApiHostOptions } from './api-host.js';
import { Gateway } from './gateway.js';
import { GatewayRunner } from './runner.js';

export interface BoxOptions {
  log: Logger;
  scrubber: SecretScrubber;
  /** Called with each config that starts running (new secrets for the log scrubber). */
  onConfig?: (cfg: ResolvedConfig) => void;
  readyTimeoutMs?: number;
  probe?: ApiHostOptions['probe'];
  /** Nothing runs any more (see RunnerOptions.onFatal). */
  onFatal?: (err: unknown) => void;
}

/**
 * The whole process of `ioc-edge run`: the runner with the gateway of the current config, the API that
 * outlives config applies, the recent counts the console shows, and systemd's notify protocol (ready,
 * watchdog fed while the pipelines make progress, stopping).
 */
export class Box {
  readonly runner: GatewayRunner<Gateway>;
  readonly counts = new CountHistory();
  readonly api: ApiHost;
  private readonly systemd: SystemdNotifier;

  constructor(cfg: ResolvedConfig, opts: BoxOptions) {
    const { log, scrubber } = opts;
    this.runner = new GatewayRunner<Gateway>(cfg, {
      log,
      readyTimeoutMs: opts.readyTimeoutMs,
      onConfig: opts.onConfig,
      onFatal: opts.onFatal,
      build: (c, control) => {
        const g = new Gateway(c, log, scrubber, control);
        g.bus.on('count_interval', (e) => this.counts.add(e));
        return g;
      },
    });
    this.api = new ApiHost({ runner: this.runner, counts: this.counts, scrubber, log, probe: opts.probe });
    this.systemd = new SystemdNotifier(log);
  }

  get gateway(): Gateway | undefined {
    return this.runner.current;
  }

  async start(): Promise<void> {
    await this.runner.start();
    await this.api.start();
    const cams = this.runner.config.cameras.filter((c) => c.enabled).length;
    this.systemd.ready(`running: ${cams} camera${cams === 1 ? '' : 's'}`);
    // During an apply the gateway restarts: that is progress, bounded by the runner's ready timeout.
    this.systemd.startWatchdog(() => this.runner.applying || (this.gateway?.alive() ?? false));
  }

  async stop(): Promise<void> {
    this.systemd.stopping();
    await this.api.stop();
    await this.runner.stop();
    this.systemd.close();
  }

  /** Incidents open now (the terminal summary). */
  openIncidents(): Incident[] {
    return this.gateway?.traffic?.openIncidents() ?? [];
  }
}
