import { z } from 'zod';
import { boundedList, port } from './primitives.js';

export const apiSchema = z.strictObject({
  enabled: z.boolean().default(true),
  host: z.string().default('127.0.0.1'),
  port: port.prefault(8080),
  /**
   * Bearer token for every route but /healthz (also taken from $IOC_EDGE_API_TOKEN). Without one the API
   * listens on 127.0.0.1 only, whatever `host` says.
   */
  token: z.string().min(1).optional(),
  /**
   * Host names the API answers to besides IP addresses, localhost and the machine's own name (requests
   * naming another host are refused: DNS rebinding).
   */
  hostnames: boundedList(
    z.string().regex(/^[a-z0-9.-]+$/i, { error: 'expected a host name' }),
    32,
    'host names',
  ).default([]),
});
