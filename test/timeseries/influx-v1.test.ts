import { readFileSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../../src/store/store.js';
import {
  cameraHealth,
  congestion,
  sensorReading,
  trackSpeed,
  trafficCount,
  zoneOccupancy,
} from '../../src/timeseries/measurements.js';
import { NodeHealthReporter } from '../../src/timeseries/node-health.js';
import type { TimeSeriesService } from '../../src/timeseries/service.js';
import { type InfluxDb, startInfluxDb } from '../support/influxdb.js';
import { removeDir, tempDir } from '../support/process.js';
import { eventually, influxConfig, makeService } from '../support/timeseries.js';

describe('time series → InfluxDB 1.6 (/write)', () => {
  let influx: InfluxDb;
  let dir: string;
  let service: TimeSeriesService | undefined;
  let store: Store | undefined;
  beforeAll(async () => {
    influx = await startInfluxDb();
  });
  afterAll(async () => {
    await influx?.stop();
  });
  afterEach(async () => {
    await service?.stop();
    store?.close();
    service = undefined;
    if (dir) removeDir(dir);
  });

  async function start(db: string, precision: 'ms' | 'ns' = 'ms') {
    await influx.createDatabase(db);
    dir = tempDir('ts-v1');
    ({ service, store } = makeService(dir, influxConfig({ url: influx.url, database: db, precision })));
    await service.start();
    return service;
  }

  it('round-trips exact values and tags, including escaping edge cases and unicode', async () => {
    const ts = await start('roundtrip', 'ns');
    const t0 = 1_700_000_000_000;
    ts.write({
      measurement: 'sensor',
      tags: { device: 'aq 1,north=yes', type: 'air "quality"', site: 'Bình Dương' },
      fields: {
        pm25: 12.75,
        count: 42n,
        ok: true,
        note: 'a "quoted" \\ text, with = and spaces',
        neg: -3.5e-7,
      },
      time: t0,
    });
    ts.write({
      measurement: 'traffic count',
      tags: { camera: 'cam,1', line: 'l=1', direction: 'north bound', class: 'motorcycle' },
      fields: { 'count,x': 7n },
      time: t0 + 0.25, // the sub-millisecond part survives at ns precision
    });
    await ts.flush();
    await eventually('points sent', () => ts.drainer!.sent === 2);

    const res = await influx.query('SELECT * FROM "sensor"', 'roundtrip');
    const s = res.results[0]!.series![0]!;
    const row = Object.fromEntries(s.columns.map((c, i) => [c, s.values[0]![i]]));
    expect(row).toEqual({
      time: t0,
      count: 42,
      device: 'aq 1,north=yes',
      neg: -3.5e-7,
      node: 'n1',
      note: 'a "quoted" \\ text, with = and spaces',
      ok: true,
      pm25: 12.75,
      site: 'Bình Dương',
      type: 'air "quality"',
    });
    // Field types as InfluxDB stored them: the integer is an integer, not a float.
    const types = await influx.rows('SHOW FIELD KEYS FROM "sensor"', 'roundtrip');
    expect(Object.fromEntries(types.map((r) => [r.fieldKey, r.fieldType]))).toEqual({
      count: 'integer',
      neg: 'float',
      note: 'string',
      ok: 'boolean',
      pm25: 'float',
    });

    const nsText = await fetch(
      `${influx.url}/query?${new URLSearchParams({ db: 'roundtrip', epoch: 'ns', q: 'SELECT * FROM "traffic count"' })}`,
    ).then((r) => r.text());
    // Nanosecond epochs exceed 2^53: check the exact digits in the JSON text.
    expect(nsText).toContain('[[1700000000000250000,');
    const t = await influx.rows('SELECT * FROM "traffic count"', 'roundtrip');
    expect(t).toEqual([
      {
        time: t0,
        camera: 'cam,1',
        class: 'motorcycle',
        'count,x': 7,
        direction: 'north bound',
        line: 'l=1',
        node: 'n1',
        site: 'bd',
      },
    ]);
    expect(ts.spool.depth).toBe(0);
  });

  it('isolates a poison point (field type conflict), dead-letters it with the message, lands the rest', async () => {
    const ts = await start('poison');
    const t0 = Date.now() - 60_000;
    // Establish `v` as a float, then send a batch where one point writes it as a string.
    ts.write({ measurement: 'sensor', tags: { device: 'd0' }, fields: { v: 1.5 }, time: t0 });
    await ts.flush();
    await eventually('first point sent', () => ts.drainer!.sent === 1);
    for (let i = 1; i <= 100; i++) {
      ts.write({
        measurement: 'sensor',
        tags: { device: `d${i}` },
        fields: { v: i === 57 ? 'oops' : i + 0.5 },
        time: t0 + i,
      });
    }
    await ts.flush();
    await eventually('batch settled', () => ts.spool.depth === 0);
    expect(ts.spool.deadLettered).toBe(1);
    const dead = ts.spool.deadLetters();
    expect(dead).toHaveLength(1);
    expect(dead[0]!.line).toContain('device=d57');
    expect(dead[0]!.error).toMatch(/HTTP 400.*field type conflict/);
    expect(await influx.rows('SELECT count(v) FROM sensor', 'poison')).toEqual([{ time: 0, count: 100 }]);
    expect(await influx.rows("SELECT v FROM sensor WHERE device = 'd58'", 'poison')).toEqual([
      { time: t0 + 58, v: 58.5 },
    ]);
    expect(ts.health().totals).toMatchObject({ sent: 100, deadLettered: 1 });
  });

  it('reports health and Prometheus metrics', async () => {
    const { Registry } = await import('prom-client');
    await influx.createDatabase('metrics');
    dir = tempDir('ts-v1');
    const metrics = new Registry();
    ({ service, store } = makeService(dir, influxConfig({ url: influx.url, database: 'metrics' }), {
      metrics,
    }));
    const ts = service!;
    await ts.start();
    for (let i = 0; i < 10; i++) ts.write({ measurement: 'm', fields: { v: i } });
    expect(ts.write({ measurement: 'm', fields: {} })).toBe(false);
    await ts.flush();
    await eventually('sent', () => ts.drainer!.sent === 10);
    const h = ts.health();
    expect(h).toMatchObject({
      state: 'ok',
      api: 'v1',
      spool: { points: 0, oldestAgeSeconds: null },
      totals: { accepted: 10, committed: 10, sent: 10, invalid: 1, dropped: 0 },
    });
    expect(h.lastInvalid).toMatch(/no field/);
    const text = await metrics.metrics();
    expect(text).toMatch(/ioc_timeseries_points_sent_total 10/);
    expect(text).toMatch(/ioc_timeseries_spool_points 0/);
    expect(text).toMatch(/ioc_timeseries_points_invalid_total 1/);
  });

  it('writes every documented measurement, and every Grafana dashboard query returns data', async () => {
    const ts = await start('ioc');
    const now = Date.now() - 120_000;
    const points = [
      trafficCount({
        cameraId: 'cam1',
        lineId: 'l1',
        direction: 'north',
        cls: 'motorcycle',
        count: 17,
        startMs: now,
        endMs: now + 60_000,
      }),
      trafficCount({
        cameraId: 'cam1',
        lineId: 'l1',
        direction: 'south',
        cls: 'car',
        count: 4,
        startMs: now,
        endMs: now + 60_000,
      }),
      trackSpeed({ cameraId: 'cam1', cls: 'car', timeMs: now + 1000, meanKmh: 38.5, maxKmh: 44 }),
      ...zoneOccupancy({
        cameraId: 'cam1',
        zoneId: 'z1',
        startMs: now,
        endMs: now + 60_000,
        mean: { motorcycle: 3.25, car: 1 },
        max: { motorcycle: 6, car: 2 },
        meanSpeedKmh: 21.5,
      }),
      congestion({
        cameraId: 'cam1',
        zoneId: 'z1',
        level: 'heavy',
        timeMs: now + 2000,
        occupancy: 0.7,
        meanSpeedKmh: 9,
      }),
      sensorReading({ id: 'aq1', type: 'air' }, { pm25: 35.5, temperature: 31.25 }, now + 3000),
      cameraHealth(
        {
          id: 'cam1',
          state: 'streaming',
          frameFps: 10,
          processedFps: 9.5,
          skippedFps: 0.5,
          detectFps: 9.5,
          lastFrameAgeMs: 80,
          reconnects: 2,
          framesTotal: 12345,
          skippedTotal: 12,
        },
        now + 4000,
      ),
    ];
    // A second camera_health a minute later, so the reconnects difference has two samples.
    const later = { ...(points.at(-1)!.fields as Record<string, bigint>), reconnects: 3n };
    points.push({ ...points.at(-1)!, fields: later, time: now + 64_000 });
    for (const p of points) expect(ts.write(p)).toBe(true);
    new NodeHealthReporter(ts, ts.spool).report();
    await ts.flush();
    await eventually('all sent', () => ts.drainer!.sent === points.length + 1);

    expect(await influx.rows("SELECT * FROM traffic_count WHERE direction = 'north'", 'ioc')).toEqual([
      {
        time: now,
        camera: 'cam1',
        class: 'motorcycle',
        count: 17,
        direction: 'north',
        interval_s: 60,
        line: 'l1',
        node: 'n1',
        site: 'bd',
      },
    ]);
    expect(await influx.rows('SELECT level, state, occupancy FROM congestion', 'ioc')).toEqual([
      { time: now + 2000, level: 2, state: 'heavy', occupancy: 0.7 },
    ]);
    const measurements = await influx.rows('SHOW MEASUREMENTS', 'ioc');
    expect(measurements.map((m) => m.name)).toEqual([
      'camera_health',
      'congestion',
      'node_health',
      'sensor',
      'traffic_count',
      'traffic_speed',
      'zone_occupancy',
    ]);

    const dashboard = JSON.parse(readFileSync('config/grafana/ioc-edge.json', 'utf8')) as {
      panels: { title: string; targets?: { query: string }[] }[];
      templating: { list: { name: string; type: string; query: string }[] };
    };
    const grafana = (q: string) =>
      q
        .replaceAll('$timeFilter', 'time > now() - 1h')
        .replaceAll('$__interval', '1m')
        .replace(/\$(site|node|camera|device)\b/g, '.*');
    const queries = dashboard.panels.flatMap((p) =>
      (p.targets ?? []).map((t) => [p.title, t.query] as const),
    );
    expect(queries.length).toBeGreaterThan(10);
    for (const [title, q] of queries) {
      const res = await influx.query(grafana(q), 'ioc');
      const values = (res.results[0]!.series ?? []).flatMap((s) => s.values.flatMap((v) => v.slice(1)));
      expect(
        values.filter((v) => v !== null),
        `${title}: ${q}`,
      ).not.toHaveLength(0);
    }
    for (const v of dashboard.templating.list.filter((v) => v.type === 'query')) {
      const rows = await influx.rows(grafana(v.query), 'ioc');
      expect(rows.length, v.name).toBeGreaterThan(0);
    }
  });
});
