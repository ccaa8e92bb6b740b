import { readFileSync } from 'node:fs';
import { stringify } from 'yaml';
import type { z } from 'zod';
import { ConfigError } from '../config/errors.js';
import { parseConfigText } from '../config/load.js';
import type { Logger } from '../log/logger.js';
import type { SecretScrubber } from '../log/redact.js';
import { ALIASES, type CommandName, REQUESTS, withKeyAliases } from './command-requests.js';
import { maskConfig } from './config-mask.js';
import type { CommandReply, CommandTargets, ConfigApplyOutcome, ReplyAddress } from './control.js';

class CommandError extends Error {
  constructor(
    message: string,
    readonly problems?: { path: string; message: string }[],
  ) {
    super(message);
  }
}

const RECENT = 256;
const DEFAULT_TIMEOUT_MS = 30_000;

/** Marks a push whose reply comes later, from the gateway running when the apply is decided. */
const DEFERRED = Symbol('deferred');

/** The `origin` of an apply started by a push: where its reply goes, readable by the next gateway's uplink. */
const ORIGIN = 'uplink-command:';

/**
 * Remote commands from the IOC on <prefix>/cmd/<name>: validated, run, answered on <prefix>/cmd/<name>/reply
 * (or the MQTT 5 response topic, with the correlation data) carrying the request id, and logged with their
 * outcome. A request id seen recently gets the same reply again without running twice (QoS 1 redelivery).
 * A valid pushed config restarts the gateway: its reply is built from the apply's outcome (replyToApply)
 * by the uplink of the gateway that runs then.
 */
export class CommandDispatcher {
  private readonly recent = new Map<string, CommandReply>();
  handled = 0;

  constructor(
    private readonly targets: CommandTargets,
    private readonly scrubber: SecretScrubber,
    private readonly log: Logger,
  ) {}

  /**
   * Runs the command in `payload`; resolves with the reply (also for malformed requests), or undefined for
   * a config push being applied (its reply comes through replyToApply).
   */
  async handle(name: string, payload: Buffer, to: ReplyAddress): Promise<CommandReply | undefined> {
    const started = Date.now();
    let id: string | null = to.correlation?.toString('utf8') ?? null;
    const command = ALIASES[name] ?? (name.replaceAll('_', '-') as CommandName);
    let reply: CommandReply;
    try {
      let raw: unknown;
      try {
        raw = payload.length === 0 ? {} : JSON.parse(payload.toString('utf8'));
      } catch (err) {
        throw new CommandError(`request is not JSON: ${(err as Error).message}`);
      }
      raw = withKeyAliases(raw);
      if (raw && typeof raw === 'object' && typeof (raw as { id?: unknown }).id === 'string') {
        id = (raw as { id: string }).id;
      }
      const cached = id !== null ? this.recent.get(`${command}\u0000${id}`) : undefined;
      if (cached) return cached;
      const schema = Object.hasOwn(REQUESTS, command) ? REQUESTS[command as CommandName] : undefined;
      if (!schema)
        throw new CommandError(`unknown command "${name}"; known: ${Object.keys(REQUESTS).join(', ')}`);
      const parsed = schema.safeParse(raw);
      if (!parsed.success) {
        throw new CommandError(
          'invalid request',
          parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
        );
      }
      const req = parsed.data as { expiresAt?: string };
      if (req.expiresAt && Date.parse(req.expiresAt) < Date.now()) {
        throw new CommandError(`request expired at ${req.expiresAt}`);
      }
      const result = await this.run(command as CommandName, parsed.data, { command, id, to });
      if (result === DEFERRED) {
        this.log.info(
          { command, request: id },
          `command ${command}: applying; the reply follows the outcome`,
        );
        return undefined;
      }
      reply = ok(command, id, result);
    } catch (err) {
      reply = failed(command, id, err);
    }
    this.handled++;
    if (id !== null) {
      this.recent.set(`${command}\u0000${id}`, reply);
      if (this.recent.size > RECENT) this.recent.delete(this.recent.keys().next().value!);
    }
    this.logOutcome(reply, Date.now() - started);
    return reply;
  }

  /** The reply to a config push, from the outcome of its apply; undefined for applies not started here. */
  replyToApply(
    outcome: ConfigApplyOutcome,
    origin: string,
  ): { reply: CommandReply; to: ReplyAddress } | undefined {
    if (!origin.startsWith(ORIGIN)) return undefined;
    let o: { command: string; id: string | null; topic: string; correlation?: string };
    try {
      o = JSON.parse(origin.slice(ORIGIN.length));
    } catch {
      return undefined;
    }
    const to: ReplyAddress = { topic: o.topic };
    if (o.correlation !== undefined) to.correlation = Buffer.from(o.correlation, 'base64');
    let reply: CommandReply;
    if (outcome.status === 'applied') reply = ok(o.command, o.id, { applied: true, apply: outcome.id });
    else if (outcome.status === 'invalid') {
      reply = failed(o.command, o.id, new CommandError('invalid config', outcome.problems));
    } else {
      reply = failed(
        o.command,
        o.id,
        new CommandError(
          'config not healthy; previous config restored',
          outcome.failures.map((message) => ({ path: '', message })),
        ),
      );
    }
    this.handled++;
    this.logOutcome(reply, undefined);
    return { reply, to };
  }

  private logOutcome(reply: CommandReply, ms: number | undefined): void {
    const entry = {
      command: reply.command,
      request: reply.id,
      ok: reply.ok,
      ms,
      error: reply.error,
      problems: reply.problems?.length,
    };
    if (reply.ok) this.log.info(entry, `command ${reply.command} done`);
    else this.log.warn(entry, `command ${reply.command} failed`);
  }

  private async run(
    command: CommandName,
    req: unknown,
    request: { command: string; id: string | null; to: ReplyAddress },
  ): Promise<Record<string, unknown> | typeof DEFERRED> {
    const { alerts, cameras, config } = this.targets;
    const unavailable = () => new CommandError(`${command} is not available on this gateway`);
    switch (command) {
      case 'ack': {
        const r = req as z.output<(typeof REQUESTS)['ack']>;
        const msg = alerts.acknowledge(r.alertId, r.by, r.note);
        if (!msg) throw new CommandError(`no open alert ${r.alertId}`);
        return { alertId: msg.id, seq: msg.seq, acknowledged: msg.acknowledged };
      }
      case 'snapshot': {
        if (!cameras) throw unavailable();
        const r = req as z.output<(typeof REQUESTS)['snapshot']>;
        const snap = await withTimeout(cameras.snapshot(r.camera), DEFAULT_TIMEOUT_MS, 'snapshot');
        if (!snap) throw new CommandError(`camera ${r.camera} has no picture yet`);
        return {
          camera: r.camera,
          contentType: 'image/jpeg',
          width: snap.width,
          height: snap.height,
          capturedAt: new Date(snap.wallMs).toISOString(),
          jpeg: snap.jpeg.toString('base64'),
        };
      }
      case 'restart-camera': {
        if (!cameras) throw unavailable();
        const r = req as z.output<(typeof REQUESTS)['restart-camera']>;
        const out = await withTimeout(cameras.restartCamera(r.camera, r.waitMs), r.waitMs + 5000, 'restart');
        return { camera: r.camera, state: out.state };
      }
      case 'get-config': {
        if (!config) throw unavailable();
        const cfg = config();
        let text: string | undefined;
        try {
          text = this.scrubber.scrub(readFileSync(cfg.source, 'utf8'));
        } catch {
          text = undefined; // a config given in memory only
        }
        const masked = JSON.parse(this.scrubber.scrub(JSON.stringify(maskConfig(cfg))));
        return { file: cfg.source, text, config: masked as Record<string, unknown> };
      }
      case 'push-config':
        return this.pushConfig(req as z.output<(typeof REQUESTS)['push-config']>, request);
    }
  }

  /**
   * Checks the config with the same schema the box loads it with (every problem answered at once), then
   * hands it to the box to apply; the gateway restarts on it, so the reply comes with the outcome.
   */
  private pushConfig(
    r: z.output<(typeof REQUESTS)['push-config']>,
    request: { command: string; id: string | null; to: ReplyAddress },
  ): typeof DEFERRED {
    const { box, config } = this.targets;
    if (!box || !config) throw new CommandError('push-config is not available on this gateway');
    const current = config();
    const text = r.yaml ?? stringify(r.config);
    try {
      const next = parseConfigText(text, current.source);
      if (next.node.id !== current.node.id || next.node.site !== current.node.site) {
        throw new CommandError('invalid config', [
          {
            path: 'node',
            message: 'node.id and node.site cannot change remotely (they name this box at the IOC)',
          },
        ]);
      }
    } catch (err) {
      if (err instanceof ConfigError) throw new CommandError('invalid config', err.problems);
      throw err;
    }
    const origin = {
      command: request.command,
      id: request.id,
      topic: request.to.topic,
      correlation: request.to.correlation?.toString('base64'),
    };
    // Not awaited: the apply stops this gateway (this uplink too) and announces its outcome to the next.
    void box.apply(text, `${ORIGIN}${JSON.stringify(origin)}`).catch((err: unknown) => {
      this.log.error({ err }, 'config apply failed');
    });
    return DEFERRED;
  }
}

function ok(command: string, id: string | null, result: Record<string, unknown>): CommandReply {
  return {
    schema: 'ioc-edge/reply/1',
    id,
    requestId: id,
    command,
    ok: true,
    at: new Date().toISOString(),
    result,
  };
}

function failed(command: string, id: string | null, err: unknown): CommandReply {
  const reply: CommandReply = {
    schema: 'ioc-edge/reply/1',
    id,
    requestId: id,
    command,
    ok: false,
    at: new Date().toISOString(),
    error: (err as Error).message,
  };
  if (err instanceof CommandError && err.problems) reply.problems = err.problems;
  return reply;
}

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    p,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new CommandError(`${what} took longer than ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}
