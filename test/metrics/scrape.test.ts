import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { scrapedCounter, scrapedGauge } from '../../src/metrics/scrape.js';

describe('scraped metrics', () => {
  it('counters follow running totals per label set; a total that restarts from zero is a new base', async () => {
    const r = new Registry();
    const totals = { a: 3, b: 0 };
    let plain = 5;
    scrapedCounter(
      r,
      'x_total',
      'x',
      () => [
        [{ cam: 'a' }, totals.a],
        [{ cam: 'b' }, totals.b],
      ],
      ['cam'],
    );
    scrapedCounter(r, 'y_total', 'y', () => plain);
    scrapedGauge(r, 'z', 'z', () => plain * 2);
    expect(await r.metrics()).toMatch(/x_total\{cam="a"\} 3\n/);
    totals.a = 7;
    totals.b = 2;
    plain = 9;
    let text = await r.metrics();
    expect(text).toMatch(/x_total\{cam="a"\} 7\n/);
    expect(text).toMatch(/x_total\{cam="b"\} 2\n/);
    expect(text).toMatch(/y_total 9\n/);
    expect(text).toMatch(/z 18\n/);
    totals.a = 1; // the part restarted: its total began again
    text = await r.metrics();
    expect(text).toMatch(/x_total\{cam="a"\} 7\n/);
    totals.a = 4;
    expect(await r.metrics()).toMatch(/x_total\{cam="a"\} 10\n/);
  });
});
