import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCli } from '../support/cli.js';
import { type InfluxDb, startInfluxDb } from '../support/influxdb.js';
import { freePort, removeDir, tempDir, waitUntil } from '../support/process.js';

describe('gateway with time series', () => {
  let influx: InfluxDb;
  const dir = tempDir('ts-gw');
  beforeAll(async () => {
    influx = await startInfluxDb();
  });
  afterAll(async () => {
    await influx?.stop();
    removeDir(dir);
  });

  it('runs the TimeSeriesService: node_health reaches InfluxDB, health and metrics report the spool', async () => {
    await influx.createDatabase('ioc');
    const secret = 'Infl-P4ss';
    const config = join(dir, 'gw.yaml');
    writeFileSync(
      config,
      [
        'node: { id: edge-ts, site: binh-duong }',
        `dataDir: ${dir}/data`,
        `mqtt: { broker: { embedded: true, port: ${await freePort()} } }`,
        'api: { port: 0 }',
        'influx:',
        `  url: ${influx.url}`,
        '  api: v1',
        '  database: ioc',
        '  username: edge',
        `  password: \${INFLUX_PASS}`,
        '  flushInterval: 100ms',
        '',
      ].join('\n'),
    );
    const gw = startCli(['run', '--config', config], { INFLUX_PASS: secret });
    try {
      await waitUntil('gateway running', async () => gw.output().includes('"msg":"running"'), {
        server: gw,
        timeoutMs: 30_000,
      });
      const api = /"msg":"API listening".*?"url":"([^"]+)"|"url":"([^"]+)".*?"msg":"API listening"/.exec(
        gw.output(),
      );
      const base = api?.[1] ?? api?.[2];
      expect(base).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);

      await waitUntil('node_health in InfluxDB', async () => {
        const rows = await influx.rows('SELECT * FROM node_health', 'ioc');
        return rows.length > 0;
      });
      const [row] = await influx.rows('SELECT * FROM node_health', 'ioc');
      expect(row).toMatchObject({ node: 'edge-ts', site: 'binh-duong' });
      expect(row!.rss_bytes).toBeGreaterThan(10_000_000);
      expect(row!.uptime_s).toBeGreaterThanOrEqual(0);

      // InfluxDB can answer the query before the gateway has processed the 2xx: poll the health.
      let health = { timeseries: {} as Record<string, unknown> };
      await waitUntil('health shows the point sent', async () => {
        health = (await (await fetch(`${base}/api/health`)).json()) as typeof health;
        return (health.timeseries.totals as { sent: number }).sent >= 1;
      });
      expect(health.timeseries).toMatchObject({
        state: 'ok',
        api: 'v1',
        server: influx.url,
        spool: { points: 0 },
        totals: { sent: 1, dropped: 0 },
      });
      const metrics = await (await fetch(`${base}/metrics`)).text();
      expect(metrics).toMatch(/ioc_timeseries_points_sent_total\{[^}]*node="edge-ts"[^}]*\} 1/);
      expect(metrics).toMatch(/ioc_timeseries_spool_points\{[^}]*\} 0/);
      gw.child.kill('SIGTERM');
      expect(await gw.exited).toBe(0);
      expect(gw.output()).not.toContain(secret);
    } finally {
      await gw.stop();
    }
  });
});
