import { z } from 'zod';
import { duration, httpUrl, mqttUrl } from './primitives.js';

/** Duration bounds are written in these units (ms). */
const [S, M, D] = [1000, 60_000, 86_400_000];

/** Files for a TLS connection (PEM), resolved against the working directory. */
const tlsFilesSchema = z.strictObject({
  /** CA certificate(s) the server must chain to; replaces the system CAs (pinning). */
  ca: z.string().min(1).optional(),
  /** Client certificate and its key, for mutual TLS. */
  cert: z.string().min(1).optional(),
  key: z.string().min(1).optional(),
  /** Name the server certificate must carry when it differs from the URL host. */
  servername: z.string().min(1).optional(),
});

const topicPrefix = z
  .string()
  .min(1)
  .refine((v) => !/[+#]/.test(v) && !v.startsWith('/') && !v.endsWith('/') && !v.includes('//'), {
    message: 'a topic prefix has no wildcards (+ #), no leading or trailing "/" and no empty level',
  });

const uplinkMqttSchema = z.strictObject({
  url: mqttUrl,
  tls: tlsFilesSchema.optional(),
  username: z.string().optional(),
  password: z.string().optional(),
  /** Stable per box (the broker keeps its session); default ioc-edge-<site>-<node>. */
  clientId: z.string().min(1).optional(),
  /** Topics are <topicPrefix>/alerts, /telemetry, /status, /health, /evidence/<id>, /cmd/<name>. {site} and {node} are filled in. */
  topicPrefix: topicPrefix.default('ioc/{site}/{node}'),
  /** Alerts, evidence and telemetry are deleted from the outbox on PUBACK (1) or PUBCOMP (2). */
  qos: z
    .number()
    .int()
    .min(1, { error: 'expected 1 or 2: alerts need an acknowledgement' })
    .max(2, { error: 'expected 1 or 2: alerts need an acknowledgement' })
    .transform((q) => q as 1 | 2)
    .default(1),
  protocolVersion: z.union([z.literal(4), z.literal(5)]).default(5),
  keepalive: duration({ min: S, max: 65_535 * S }).prefault('30s'),
  /** How long the broker keeps the session (and queued commands) while the box is away (MQTT 5). */
  sessionExpiry: duration({ min: 0, max: 365 * D, notATimer: true }).prefault('7d'),
  /** Messages published and not yet acknowledged at most. */
  inflight: z.number().int().min(1).max(10_000).default(200),
  /** Take remote commands on <prefix>/cmd/<name> (only over an authenticated TLS connection). */
  commands: z.boolean().default(true),
});

const uplinkWebhookSchema = z.strictObject({
  url: httpUrl,
  /** HMAC-SHA256 key: every POST carries X-IOC-Signature over timestamp + body. */
  secret: z.string().min(1).optional(),
  /** Sent as `Authorization: Bearer <token>` when set. */
  token: z.string().min(1).optional(),
  /** CA certificate(s) the receiver must chain to (PEM file); system CAs when absent. */
  ca: z.string().min(1).optional(),
  timeout: duration({ min: 100, max: 10 * M }).prefault('10s'),
});

export const uplinkSchema = z.strictObject({
  mqtt: uplinkMqttSchema.optional(),
  webhook: uplinkWebhookSchema.optional(),
  /** How often <prefix>/health is published. */
  heartbeat: duration({ min: S, max: D }).prefault('30s'),
  /** Interval counts, congestion and sensor summaries are published on <prefix>/telemetry this often. */
  telemetry: z.strictObject({ interval: duration({ min: S, max: D }).prefault('60s') }).prefault({}),
});
