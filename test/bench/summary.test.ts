import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeSummary } from '../../bench/summary/write.js';
import { removeDir, tempDir } from '../support/process.js';

const dir = tempDir('bench-summary');
const put = (name: string, value: unknown) =>
  writeFileSync(join(dir, name), typeof value === 'string' ? value : JSON.stringify(value));

put('sensors.json', {
  goal: 50_000,
  runs: [
    { system: 'ioc-edge', publishers: 1, readingsPerSecond: 42_000, intakePerSecond: 61_000 },
    { system: 'ioc-edge', publishers: 3, readingsPerSecond: 35_000, intakePerSecond: 53_000 },
    { system: 'Node-RED', publishers: 1, readingsPerSecond: 2_500 },
  ],
  ratio: { 1: 24.4 },
});
put('alerts.json', {
  live: { alertPubackMs: { p50: 10, p95: 120, p99: 250, max: 300 } },
  outage: { catchUp: { alertsPerSecond: 600 } },
  goals: { p99Ms: 200, catchUpPerSecond: 500 },
});
put('memory.json', {
  runs: [
    {
      label: 'before',
      mode: 'main',
      date: '2026-11-30T10:00:00Z',
      steps: [{ cameras: 0, gatewayPssMb: 170, totalPssMb: 170 }],
      perAdditionalCameraMb: 70,
    },
    {
      label: 'after',
      mode: 'main',
      date: '2026-11-30T12:00:00Z',
      steps: [
        { cameras: 0, gatewayPssMb: 120, totalPssMb: 120 },
        { cameras: 4, gatewayPssMb: 160, totalPssMb: 300 },
      ],
      perAdditionalCameraMb: 45,
    },
  ],
});
put('capacity.json', {
  runs: [
    {
      date: '2026-11-30T12:00:00Z',
      summary: [
        { mode: 'main', maxCameras: 6, rampEnd: false, overheadPct: 9 },
        { mode: 'sub', maxCameras: 16, rampEnd: true, overheadPct: 25 },
      ],
    },
  ],
  analyze: {
    rows: [
      { clip: 'nl', sessions: 1, fps: { median: 100 }, sameCounts: true },
      { clip: 'nl', sessions: 2, fps: { median: 180 }, sameCounts: true },
    ],
  },
});
const counts = (car: number, motorcycle: number) => ({ l: { down: { car, motorcycle }, up: {} } });
put('accuracy.json', {
  cases: [
    {
      name: 'close',
      counts: counts(22, 24),
      truth: { line: 'l', counts: { down: { car: 22, motorcycle: 22 } } },
    },
    {
      name: 'far',
      counts: counts(22, 15),
      truth: { line: 'l', counts: { down: { car: 22, motorcycle: 22 } } },
    },
  ],
  throughput: { ours: [90, 100, 110], baseline: [20, 21, 22], ratio: 4.76 },
});
put('tracking.json', '{ truncated');

afterAll(() => removeDir(dir));

describe('bench summary writer (fixture results)', () => {
  it('marks each figure pass or miss against its goal, and what is missing or unreadable as not measured', async () => {
    const out = await writeSummary(dir);
    const row = (figure: string) => {
      const r = out.rows.find((x) => x.figure.startsWith(figure));
      if (!r) throw new Error(`no row ${figure}`);
      return r;
    };
    // Acked: the worst publisher count; into InfluxDB: the best run, beside Node-RED's.
    expect(row('MQTT readings/s').verdict).toBe('pass');
    expect(row('MQTT readings/s').value).toBe('53,000');
    expect(row('readings/s end to end').verdict).toBe('miss');
    expect(row('readings/s end to end').peer).toBe('Node-RED 2,500/s');
    expect(row('alert → PUBACK p99').verdict).toBe('miss');
    expect(row('outbox catch-up').verdict).toBe('pass');
    // The newest memory run counts, not the older one beside it.
    expect(row('gateway PSS, 0 cameras (main').value).toBe('120 MB');
    expect(row('gateway PSS, 0 cameras (main').verdict).toBe('pass');
    expect(row('PSS per added camera incl. ffmpeg (main').verdict).toBe('miss');
    expect(row('cameras with detect substreams').verdict).toBe('pass');
    expect(row('cameras with detect substreams').value).toContain('ramp ended');
    expect(row('main-stream-only').verdict).toBe('miss');
    expect(row('ingest overhead beyond decode (sub)').verdict).toBe('miss');
    expect(row('nl: analyze on every core').value).toBe('1.8 ×');
    expect(row('nl: analyze on every core').verdict).toBe('pass');
    expect(row('close:').verdict).toBe('pass');
    expect(row('far:').verdict).toBe('miss');
    expect(row('analyze --every-frame').verdict).toBe('pass');
    expect(row('analyze --every-frame').peer).toBe('OpenCV 21 fps');
    for (const missing of [
      'points/s written live',
      'tracker + analytics',
      'cameras at 1080p25',
      'every alert at the IOC',
    ]) {
      expect(row(missing).verdict).toBe('not measured');
    }
    expect(out.problems).toEqual([expect.stringMatching(/^tracking\.json: /)]);

    const md = readFileSync(join(dir, 'summary.md'), 'utf8');
    expect(md).toContain('| Alerts | alert → PUBACK p99 (one box, 50/s) | 250 ms | < 200 ms | ❌ miss |');
    expect(md).toContain('not measured');
    expect(md).toContain('![Memory (PSS) by camera count](memory.png)');
    expect(md).not.toContain('fleet.png');
  });

  it('draws PNG charts of what there is data for', async () => {
    const out = await writeSummary(dir);
    expect(out.charts).toEqual(['throughput.png', 'latency.png', 'memory.png']);
    for (const file of out.charts) {
      const png = readFileSync(join(dir, file));
      expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
      expect(png.subarray(12, 16).toString('latin1')).toBe('IHDR');
      const width = png.readUInt32BE(16);
      const height = png.readUInt32BE(20);
      expect(width).toBeGreaterThan(400);
      expect(height).toBeGreaterThan(150);
      expect(png.length).toBeGreaterThan(5_000);
    }
    expect(existsSync(join(dir, 'fleet.png'))).toBe(false);
  });
});
