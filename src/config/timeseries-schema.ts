import { z } from 'zod';
import { byteSize, duration, httpUrl } from './primitives.js';

const M = 60_000;

const spoolSchema = z.strictObject({
  /** SQLite file holding the spool; the gateway's store (store.path) when absent. */
  path: z.string().min(1).optional(),
  maxBytes: byteSize.prefault(2_000_000_000),
  /**
   * Free space the spool leaves on its disk: past it the oldest points are dropped (counted, and a
   * spool_full alert), so the alert outbox in the same store and the rest of the box keep room.
   */
  keepFree: byteSize.prefault('256MB'),
});

export const influxSchema = z.strictObject({
  /** Absent: points are kept in the local spool until a server is configured. */
  url: httpUrl.optional(),
  api: z.enum(['v1', 'v2']).default('v1'),
  database: z.string().min(1).optional(),
  retentionPolicy: z.string().min(1).optional(),
  username: z.string().optional(),
  password: z.string().optional(),
  org: z.string().min(1).optional(),
  bucket: z.string().min(1).optional(),
  token: z.string().min(1).optional(),
  precision: z.enum(['ns', 'us', 'ms', 's']).default('ms'),
  gzip: z.boolean().default(true),
  batchSize: z.number().int().min(1).max(100_000).default(5000),
  flushInterval: duration({ min: 10, max: 10 * M }).prefault('1s'),
  timeout: duration({ min: 100, max: 10 * M }).prefault('10s'),
  /** Requests in flight at once, over disjoint ranges of spooled points (1 while the server fails). */
  inFlight: z.number().int().min(1).max(8).default(2),
  /** Points per second when catching up a backlog, so live data keeps flowing. */
  replayRate: z.number().int().positive().default(50_000),
  spool: spoolSchema.prefault({}),
});
