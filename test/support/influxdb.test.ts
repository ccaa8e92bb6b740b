import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type InfluxDb, startInfluxDb } from './influxdb.js';

describe('InfluxDB 1.x helper', () => {
  let influx: InfluxDb;
  beforeAll(async () => {
    influx = await startInfluxDb();
  });
  afterAll(async () => {
    await influx?.stop();
  });

  it('writes and queries back, and keeps its data across pause/restart on the same port', async () => {
    await influx.createDatabase('h');
    const res = await fetch(`${influx.url}/write?db=h&precision=ms`, {
      method: 'POST',
      body: 'm,k=v f=1.5,n=3i 1700000000000\n',
    });
    expect(res.status).toBe(204);
    expect(await influx.rows('SELECT f, n, k FROM m', 'h')).toEqual([
      { time: 1700000000000, f: 1.5, n: 3, k: 'v' },
    ]);
    const { pid } = influx.server;
    await influx.pause();
    await expect(fetch(`${influx.url}/ping`)).rejects.toThrow();
    await influx.restart();
    expect(influx.server.pid).not.toBe(pid);
    expect(await influx.rows('SELECT count(f) FROM m', 'h')).toEqual([{ time: 0, count: 1 }]);
  });
});
