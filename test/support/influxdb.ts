import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  freePort,
  type RestartableServer,
  requireBinary,
  restartable,
  type ServerProcess,
  startProcess,
  tempDir,
  waitUntil,
} from './process.js';

export interface InfluxDb extends RestartableServer {
  /** Base URL, e.g. http://127.0.0.1:40123 */
  url: string;
  port: number;
  dir: string;
  /** Runs an InfluxQL statement (POST /query) and returns the parsed JSON body; throws on an error. */
  query(q: string, db?: string): Promise<InfluxQueryResult>;
  /** Rows of the first series of the first statement, as objects keyed by column; [] when none. */
  rows(q: string, db: string): Promise<Record<string, unknown>[]>;
  createDatabase(db: string): Promise<void>;
}

export interface InfluxQueryResult {
  results: {
    statement_id: number;
    error?: string;
    series?: { name: string; tags?: Record<string, string>; columns: string[]; values: unknown[][] }[];
  }[];
}

/**
 * Starts InfluxDB 1.x (`influxd -config`) with every directory in a temp dir, HTTP on a free loopback
 * port, the RPC bind address on another free port, reporting and the optional listeners disabled.
 * Ready when GET /ping answers 204. Never touches a system influxdb service on the default ports.
 */
export async function startInfluxDb(): Promise<InfluxDb> {
  const bin = requireBinary('influxd', 'influxdb');
  const dir = tempDir('influxdb');
  const port = await freePort();
  let rpcPort = await freePort();
  while (rpcPort === port) rpcPort = await freePort();
  for (const d of ['meta', 'data', 'wal']) mkdirSync(join(dir, d));
  const conf = join(dir, 'influxdb.conf');
  writeFileSync(
    conf,
    [
      'reporting-enabled = false',
      `bind-address = "127.0.0.1:${rpcPort}"`,
      '[meta]',
      `  dir = "${join(dir, 'meta')}"`,
      '  logging-enabled = false',
      '[data]',
      `  dir = "${join(dir, 'data')}"`,
      `  wal-dir = "${join(dir, 'wal')}"`,
      '  query-log-enabled = false',
      '  index-version = "inmem"',
      '[monitor]',
      '  store-enabled = false',
      '[http]',
      '  enabled = true',
      `  bind-address = "127.0.0.1:${port}"`,
      '  log-enabled = false',
      '  pprof-enabled = false',
      '  unix-socket-enabled = false',
      '[ifql]',
      '  enabled = false',
      '[continuous_queries]',
      '  enabled = false',
      '[logging]',
      '  level = "warn"',
      '  suppress-logo = true',
      '',
    ].join('\n'),
  );
  const url = `http://127.0.0.1:${port}`;

  async function launch(): Promise<ServerProcess> {
    const s = startProcess('influxd', bin, ['-config', conf], {
      env: { ...process.env, INFLUXDB_CONFIG_PATH: conf },
    });
    await waitUntil(
      `influxd on port ${port}`,
      async () => {
        const res = await fetch(`${url}/ping`, { signal: AbortSignal.timeout(1000) });
        await res.arrayBuffer();
        return res.status === 204;
      },
      { server: s, timeoutMs: 30_000 },
    );
    return s;
  }

  const lifecycle = await restartable(launch, dir);
  const query = async (q: string, db?: string): Promise<InfluxQueryResult> => {
    const body = new URLSearchParams({ q, epoch: 'ms' });
    if (db) body.set('db', db);
    const res = await fetch(`${url}/query`, { method: 'POST', body, signal: AbortSignal.timeout(10_000) });
    const text = await res.text();
    if (!res.ok) throw new Error(`influxdb query ${q}: HTTP ${res.status} ${text}`);
    const json = JSON.parse(text) as InfluxQueryResult & { error?: string };
    if (json.error) throw new Error(`influxdb query ${q}: ${json.error}`);
    const err = json.results.find((r) => r.error);
    if (err) throw new Error(`influxdb query ${q}: ${err.error}`);
    return json;
  };
  return Object.assign(lifecycle, {
    url,
    port,
    dir,
    query,
    async rows(q, db) {
      const res = await query(q, db);
      const s = res.results[0]?.series?.[0];
      if (!s) return [];
      return s.values.map((v) => Object.fromEntries(s.columns.map((c, i) => [c, v[i]])));
    },
    async createDatabase(db) {
      await query(`CREATE DATABASE "${db.replace(/"/g, '\\"')}"`);
    },
  } satisfies Omit<InfluxDb, keyof RestartableServer>);
}
