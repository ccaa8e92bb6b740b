import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeDir, tempDir } from '../support/process.js';
import { eventually, influxConfig, makeService } from '../support/timeseries.js';
import { startVictoriaMetrics, type VictoriaMetrics } from '../support/victoria-metrics.js';

describe('time series → v2 write API (/api/v2/write), proven against VictoriaMetrics', () => {
  let vm: VictoriaMetrics;
  beforeAll(async () => {
    vm = await startVictoriaMetrics();
  });
  afterAll(async () => {
    await vm?.stop();
  });

  it('writes with org, bucket, token and precision; the export returns exact values and tags', async () => {
    const dir = tempDir('ts-v2');
    const { service: ts, store } = makeService(
      dir,
      influxConfig({
        url: vm.url,
        api: 'v2',
        org: 'ioc',
        bucket: 'edge',
        token: 'tok-secret',
        precision: 's',
      }),
    );
    try {
      await ts.start();
      const t0 = Math.floor(Date.now() / 1000) * 1000 - 60_000;
      for (let i = 0; i < 50; i++) {
        ts.write({
          measurement: 'traffic_count',
          tags: { camera: 'cam 1', line: 'l1', direction: i % 2 ? 'in' : 'out', class: 'motorcycle' },
          fields: { count: BigInt(i), speed_avg: i + 0.25 },
          time: t0 + i * 1000,
        });
      }
      ts.write({
        measurement: 'sensor',
        tags: { device: 'aq,1', type: 'air', site: 'Bình Dương' },
        fields: { pm25: 17.5 },
        time: t0,
      });
      await ts.flush();
      await eventually('sent', () => ts.drainer!.sent === 51);

      const counts = await vm.exportWhen('{__name__="traffic_count_count"}', 50);
      expect(counts.map((l) => l.metric).sort((a, b) => a.direction!.localeCompare(b.direction!))).toEqual([
        {
          __name__: 'traffic_count_count',
          camera: 'cam 1',
          line: 'l1',
          direction: 'in',
          class: 'motorcycle',
          node: 'n1',
          site: 'bd',
        },
        {
          __name__: 'traffic_count_count',
          camera: 'cam 1',
          line: 'l1',
          direction: 'out',
          class: 'motorcycle',
          node: 'n1',
          site: 'bd',
        },
      ]);
      const all = counts.flatMap((l) => l.timestamps.map((t, k) => [t, l.values[k]]));
      all.sort((a, b) => a[0]! - b[0]!);
      expect(all).toEqual(Array.from({ length: 50 }, (_, i) => [t0 + i * 1000, i]));
      const speed = await vm.exportWhen('{__name__="traffic_count_speed_avg", direction="out"}', 25);
      expect(speed[0]!.values.slice(0, 2)).toEqual([0.25, 2.25]);
      const sensor = await vm.exportWhen('{__name__="sensor_pm25"}', 1);
      expect(sensor[0]).toEqual({
        metric: { __name__: 'sensor_pm25', device: 'aq,1', type: 'air', site: 'Bình Dương', node: 'n1' },
        values: [17.5],
        timestamps: [t0],
      });
    } finally {
      await ts.stop();
      store.close();
      removeDir(dir);
    }
  });
});
