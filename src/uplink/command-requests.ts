import { z } from 'zod';

/** The requests of the remote commands (docs/schemas/command.v1.json), and the other spellings taken. */
const base = {
  id: z.string().min(1).max(128).optional(),
  /** Requests older than this are refused (a command queued while the box was offline may be stale). */
  expiresAt: z.iso.datetime({ offset: true }).optional(),
};
const camera = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, 'expected a camera id');

export const REQUESTS = {
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
    })
    .refine((r) => (r.yaml === undefined) !== (r.config === undefined), {
      message: 'give either yaml or config',
    }),
} as const;
export type CommandName = keyof typeof REQUESTS;

export const ALIASES: Record<string, CommandName> = { acknowledge: 'ack', 'ack-alert': 'ack' };

/** Other names IOC clients use for request fields: `requestId` for `id`, `cameraId` for `camera`. */
const KEY_ALIASES: Record<string, string> = { requestId: 'id', cameraId: 'camera' };

export function withKeyAliases(raw: unknown): unknown {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return raw;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(raw)) {
    const name = Object.hasOwn(KEY_ALIASES, k) ? KEY_ALIASES[k]! : k;
    if (!(name in out) || name === k) out[name] = v;
  }
  return out;
}
