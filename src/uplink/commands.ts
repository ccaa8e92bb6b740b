import { stringify } from 'yaml';
import { z } from 'zod';
import type { AlertMessage } from '../alerts/alert.js';
import { ConfigError } from '../config/errors.js';
import { parseConfigText, type ResolvedConfig } from '../config/load.js';
import type { Logger } from '../log/logger.js';
import type { SecretScrubber } from '../log/redact.js';
import { maskConfig } from './config-mask.js';

/** What remote commands may do to the gateway; the composition root implements it. */
export interface GatewayControl {
  snapshot(
    cameraId: string,
  ): Promise<{ jpeg: Buffer; width: number; height: number; wallMs: number } | undefined>;
  /** Restarts the camera's stream; resolves with its state once streaming or after `waitMs`. */
  restartCamera(cameraId: string, waitMs: number): Promise<{ state: string }>;
  /** The config the gateway runs: its file, the file's text and the validated result. */
  config(): { file: string; text: string; config: ResolvedConfig };
  /**
   * Applies a validated config atomically; when cameras or sinks are not healthy within `timeoutMs` the
   * previous config is restored. Resolves with what happened (never throws for a config that failed).
   */
  applyConfig(
    next: { text: string; config: ResolvedConfig },
    opts: { timeoutMs: number },
  ): Promise<ApplyOutcome>;
}

export interface ApplyOutcome {
  applied: boolean;
  rolledBack?: boolean;
  /** Why it did not work (cameras not streaming, sink failing...), one line each. */
  problems?: string[];
}

export interface AlertControl {
  acknowledge(id: string, by?: string, note?: string): AlertMessage | undefined;
}

/** The reply to a command (docs/uplink.md, schema reply.v1.json). */
export interface CommandReply {
  schema: 'ioc-edge/reply/1';
  id: string | null;
  /** The same as `id`, for clients that name it so. */
  requestId: string | null;
  command: string;
  ok: boolean;
  at: string;
  result?: Record<string, unknown>;
  error?: string;
  problems?: { path: string; message: string }[];
}

class CommandError extends Error {
  constructor(
    message: string,
    readonly problems?: { path: string; message: string }[],
  ) {
    super(message);
  }
}

const base = {
  id: z.string().min(1).max(128).optional(),
  /** Requests older than this are refused (a command queued while the box was offline may be stale). */
  expiresAt: z.iso.datetime({ offset: true }).optional(),
};
const camera = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, 'expected a camera id');

const REQUESTS = {
  ack: z.strictObject({
    ...base,
    alertId: z.string().min(1),
    by: z.string().max(200).optional(),
    note: z.string().max(2000).optional(),
  }),
  snapshot: z.strictObject({ ...base, camera }),
  'restart-camera': z.strictObject({
    ...base,
    camera,
    waitMs: z.number().int().min(0).max(120_000).default(15_000),
  }),
  'get-config': z.strictObject({ ...base }),
  'push-config': z
    .strictObject({
      ...base,
      yaml: z.string().min(1).max(1_000_000).optional(),
      config: z.record(z.string(), z.unknown()).optional(),
      timeoutMs: z.number().int().min(1000).max(600_000).default(60_000),
    })
    .refine((r) => (r.yaml === undefined) !== (r.config === undefined), {
      message: 'give either yaml or config',
    }),
} as const;
type CommandName = keyof typeof REQUESTS;

const ALIASES: Record<string, CommandName> = { acknowledge: 'ack', 'ack-alert': 'ack' };
const RECENT = 256;
const DEFAULT_TIMEOUT_MS = 30_000;

/**
 * Remote commands from the IOC on <prefix>/cmd/<name>: validated, run, answered on <prefix>/cmd/<name>/reply
 * (or the MQTT 5 response topic, with the correlation data) carrying the request id, and logged with their
 * outcome. A request id seen recently gets the same reply again without running twice (QoS 1 redelivery).
 */
export class CommandDispatcher {
  private readonly recent = new Map<string, CommandReply>();
  handled = 0;

  constructor(
    private readonly gateway: GatewayControl | undefined,
    private readonly alerts: AlertControl,
    private readonly scrubber: SecretScrubber,
    private readonly log: Logger,
  ) {}

  /** Runs the command in `payload`; resolves with the reply (also for malformed requests). */
  async handle(name: string, payload: Buffer, correlation?: string): Promise<CommandReply> {
    const started = Date.now();
    let id: string | null = correlation ?? null;
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
      const result = await this.run(command as CommandName, parsed.data);
      reply = {
        schema: 'ioc-edge/reply/1',
        id,
        requestId: id,
        command,
        ok: true,
        at: new Date().toISOString(),
        result,
      };
    } catch (err) {
      reply = {
        schema: 'ioc-edge/reply/1',
        id,
        requestId: id,
        command,
        ok: false,
        at: new Date().toISOString(),
        error: (err as Error).message,
      };
      if (err instanceof CommandError && err.problems) reply.problems = err.problems;
    }
    this.handled++;
    if (id !== null) {
      this.recent.set(`${command}\u0000${id}`, reply);
      if (this.recent.size > RECENT) this.recent.delete(this.recent.keys().next().value!);
    }
    const entry = {
      command,
      request: id,
      ok: reply.ok,
      ms: Date.now() - started,
      error: reply.error,
      problems: reply.problems?.length,
    };
    if (reply.ok) this.log.info(entry, `command ${command} done`);
    else this.log.warn(entry, `command ${command} failed`);
    return reply;
  }

  private async run(command: CommandName, req: unknown): Promise<Record<string, unknown>> {
    if (command === 'ack') {
      const r = req as z.output<(typeof REQUESTS)['ack']>;
      const msg = this.alerts.acknowledge(r.alertId, r.by, r.note);
      if (!msg) throw new CommandError(`no open alert ${r.alertId}`);
      return { alertId: msg.id, seq: msg.seq, acknowledged: msg.acknowledged };
    }
    const gateway = this.gateway;
    if (!gateway) throw new CommandError(`${command} is not available on this gateway`);
    switch (command) {
      case 'snapshot': {
        const r = req as z.output<(typeof REQUESTS)['snapshot']>;
        const snap = await withTimeout(gateway.snapshot(r.camera), DEFAULT_TIMEOUT_MS, 'snapshot');
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
        const r = req as z.output<(typeof REQUESTS)['restart-camera']>;
        const out = await withTimeout(gateway.restartCamera(r.camera, r.waitMs), r.waitMs + 5000, 'restart');
        return { camera: r.camera, state: out.state };
      }
      case 'get-config': {
        const { file, text, config } = gateway.config();
        return {
          file,
          text: this.scrubber.scrub(text),
          config: JSON.parse(this.scrubber.scrub(JSON.stringify(maskConfig(config)))) as Record<
            string,
            unknown
          >,
        };
      }
      case 'push-config':
        return this.pushConfig(gateway, req as z.output<(typeof REQUESTS)['push-config']>);
    }
  }

  private async pushConfig(
    gateway: GatewayControl,
    r: z.output<(typeof REQUESTS)['push-config']>,
  ): Promise<Record<string, unknown>> {
    const current = gateway.config();
    const text = r.yaml ?? stringify(r.config);
    let next: ResolvedConfig;
    try {
      next = parseConfigText(text, current.file);
    } catch (err) {
      if (err instanceof ConfigError) throw new CommandError('invalid config', err.problems);
      throw err;
    }
    if (next.node.id !== current.config.node.id || next.node.site !== current.config.node.site) {
      throw new CommandError('invalid config', [
        {
          path: 'node',
          message: 'node.id and node.site cannot change remotely (they name this box at the IOC)',
        },
      ]);
    }
    const out = await gateway.applyConfig({ text, config: next }, { timeoutMs: r.timeoutMs });
    if (!out.applied) {
      throw new CommandError(
        out.rolledBack ? 'config not healthy; previous config restored' : 'config not applied',
        (out.problems ?? []).map((message) => ({ path: '', message })),
      );
    }
    return { applied: true };
  }
}

/** Other names IOC clients use for request fields: `requestId` for `id`, `cameraId` for `camera`. */
const KEY_ALIASES: Record<string, string> = { requestId: 'id', cameraId: 'camera' };

function withKeyAliases(raw: unknown): unknown {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return raw;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(raw)) {
    const name = Object.hasOwn(KEY_ALIASES, k) ? KEY_ALIASES[k]! : k;
    if (!(name in out) || name === k) out[name] = v;
  }
  return out;
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
