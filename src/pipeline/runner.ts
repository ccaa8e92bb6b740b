import { randomUUID } from 'node:crypto';
import { closeSync, copyFileSync, fsyncSync, openSync, renameSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import type { ApplyOutcome } from '../config/apply-outcome.js';
import { ConfigError, type ConfigProblem } from '../config/errors.js';
import { parseConfigText, type ResolvedConfig } from '../config/load.js';
import type { Logger } from '../log/logger.js';
import { dataMoves, expectationsFor, type Readiness, unmet } from './config-apply.js';

/** A gateway built from one config: what the runner starts, checks and stops. */
export interface RunnableGateway {
  start(): Promise<void>;
  stop(): Promise<void>;
  readiness(): Readiness;
}

export type { ApplyOutcome };

/** What the parts of a gateway may ask of the box as a whole (remote commands, the local API). */
export interface GatewayControl {
  /** The config running now. */
  readonly config: ResolvedConfig;
  /**
   * Validates a config (YAML or JSON text, `${VAR}` taken from the box's environment) and applies it:
   * the gateway restarts on it, and if its cameras or sinks do not come up healthy within the timeout the
   * previous config is restored. Applies run one at a time. Resolves once the outcome is known.
   */
  apply(text: string, origin: string): Promise<ApplyOutcome>;
  /**
   * The outcome of every apply, for parts that report it later (the new gateway's uplink, the API). Parts
   * of a gateway unsubscribe when they stop: the listener set outlives every gateway.
   */
  onApplied(listener: (outcome: ApplyOutcome, origin: string) => void): () => void;
}

export interface RunnerOptions<G extends RunnableGateway = RunnableGateway> {
  log: Logger;
  build: (cfg: ResolvedConfig, control: GatewayControl) => G;
  /** How long a new config's parts have to come up healthy (default 30 s). */
  readyTimeoutMs?: number;
  /** Called with each config that starts running (new secrets for the log scrubber). */
  onConfig?: (cfg: ResolvedConfig) => void;
  /**
   * After a failed apply the previous config could not start again either: nothing runs. The process
   * should exit, for its service manager to restart it on the config file (still the previous one).
   */
  onFatal?: (err: unknown) => void;
}

/**
 * Runs the gateway of the current config and replaces it when a new config is applied: validate with the
 * same schema, stop the running gateway (sources first, sinks flushed), start the new one, check that
 * what the new config names comes up, and either keep it (the file is then replaced atomically, the old
 * one kept as `<file>.previous`) or go back to the previous config. The config file on disk changes only
 * once a new config has proven itself, so a crash in between restarts on the old one.
 */
export class GatewayRunner<G extends RunnableGateway = RunnableGateway> implements GatewayControl {
  private gateway?: G;
  /** True while a new config is being tried (the gateway is restarting). */
  applying = false;
  private queue: Promise<unknown> = Promise.resolve();
  private readonly listeners = new Set<(outcome: ApplyOutcome, origin: string) => void>();
  private stopped = false;

  constructor(
    private cfg: ResolvedConfig,
    private readonly opts: RunnerOptions<G>,
  ) {}

  get config(): ResolvedConfig {
    return this.cfg;
  }

  /** The gateway of the config running now (during an apply: the one being tried or restored). */
  get current(): G | undefined {
    return this.gateway;
  }

  async start(): Promise<void> {
    this.opts.onConfig?.(this.cfg);
    const g = this.opts.build(this.cfg, this);
    this.gateway = g;
    await g.start();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.queue.catch(() => {});
    await this.gateway?.stop();
  }

  onApplied(listener: (outcome: ApplyOutcome, origin: string) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  apply(text: string, origin: string): Promise<ApplyOutcome> {
    const run = this.queue.then(() => this.applyNow(text, origin));
    this.queue = run.catch(() => {});
    return run;
  }

  private async applyNow(text: string, origin: string): Promise<ApplyOutcome> {
    const id = randomUUID();
    const { log } = this.opts;
    let next: ResolvedConfig;
    try {
      next = parseConfigText(text, this.cfg.source);
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      return this.refuse(id, origin, err.problems);
    }
    const moves = dataMoves(this.cfg, next);
    if (moves.length > 0) return this.refuse(id, origin, moves);
    if (this.stopped) throw new Error('the gateway is stopping');
    const previous = this.cfg;
    const expect = expectationsFor(previous, next, this.gateway?.readiness());
    log.info({ origin, apply: id }, 'applying a new config: restarting the gateway on it');
    this.applying = true;
    try {
      return await this.replace(id, origin, previous, next, text, expect);
    } finally {
      this.applying = false;
    }
  }

  private refuse(id: string, origin: string, problems: ConfigProblem[]): ApplyOutcome {
    this.opts.log.warn({ origin, problems }, 'config refused');
    return this.announce({ id, status: 'invalid', problems }, origin);
  }

  private async replace(
    id: string,
    origin: string,
    previous: ResolvedConfig,
    next: ResolvedConfig,
    text: string,
    expect: ReturnType<typeof expectationsFor>,
  ): Promise<ApplyOutcome> {
    const { log } = this.opts;
    await this.gateway?.stop();
    const failures = await this.tryStart(next, expect);
    if (failures.length === 0) {
      writeAtomically(next.source, text);
      this.cfg = next;
      log.info({ origin, apply: id }, 'new config applied');
      return this.announce({ id, status: 'applied' }, origin);
    }
    log.warn(
      { origin, apply: id, failures },
      'new config did not come up healthy: restoring the previous one',
    );
    await this.gateway?.stop();
    this.opts.onConfig?.(previous);
    this.gateway = this.opts.build(previous, this);
    try {
      await this.gateway.start();
    } catch (err) {
      log.fatal({ origin, apply: id, err }, 'the previous config did not start again either');
      await this.gateway.stop();
      this.opts.onFatal?.(err);
      throw err;
    }
    return this.announce({ id, status: 'rolled_back', failures }, origin);
  }

  /** Starts a gateway on `next` and waits for what it must bring up; returns what failed. */
  private async tryStart(
    next: ResolvedConfig,
    expect: ReturnType<typeof expectationsFor>,
  ): Promise<string[]> {
    this.opts.onConfig?.(next);
    const g = this.opts.build(next, this);
    this.gateway = g;
    try {
      await g.start();
    } catch (err) {
      return [`start failed: ${(err as Error).message}`];
    }
    const deadline = Date.now() + (this.opts.readyTimeoutMs ?? 30_000);
    for (;;) {
      const failures = unmet(expect, g.readiness());
      if (failures.length === 0 || Date.now() >= deadline) return failures;
      await new Promise((r) => setTimeout(r, 250));
    }
  }

  private announce(outcome: ApplyOutcome, origin: string): ApplyOutcome {
    for (const l of this.listeners) {
      try {
        l(outcome, origin);
      } catch (err) {
        this.opts.log.error({ err }, 'config apply listener failed');
      }
    }
    return outcome;
  }
}

/**
 * Replaces `file` with `text` so that a crash or power cut leaves either the old or the new file, never
 * half of one (written and synced beside it, then renamed over it); the old one is kept as `.previous`.
 */
function writeAtomically(file: string, text: string): void {
  const tmp = `${file}.new`;
  const fd = openSync(tmp, 'w', 0o600);
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  try {
    copyFileSync(file, `${file}.previous`);
  } catch {
    // no file yet (a config given only in memory)
  }
  renameSync(tmp, file);
  const dir = openSync(dirname(file), 'r');
  try {
    fsyncSync(dir);
  } finally {
    closeSync(dir);
  }
}
