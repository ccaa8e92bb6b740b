import { describe, expect, it } from 'vitest';
import type { AlertSignal } from '../../src/alerts/alert.js';
import { congestionSignal, incidentSignal } from '../../src/alerts/from-analytics.js';
import { CameraDownWatch } from '../../src/alerts/from-cameras.js';
import { NodeWatch } from '../../src/alerts/from-node.js';
import { sensorSignal } from '../../src/alerts/from-sensors.js';
import type { Incident } from '../../src/analytics/events.js';
import type { CameraState } from '../../src/camera/camera-state.js';
import { waitUntil } from '../support/process.js';

const T0 = Date.parse('2026-03-01T07:00:00Z');

describe('alert sources', () => {
  it('incidents: raise at start with the incident id as ref, clear at end with its clip', () => {
    const i: Incident = {
      id: 'cam1-7',
      type: 'wrong_way',
      cameraId: 'cam1',
      zoneId: 'lane-1',
      cls: 'motorcycle',
      severity: 'critical',
      startMs: T0,
      startPtsMs: 0,
      trackIds: [4],
      detail: 'heading against lane-1 for 6 frames',
    };
    expect(incidentSignal(i, 'raise', true)).toEqual({
      state: 'raise',
      source: { kind: 'camera', id: 'cam1' },
      type: 'wrong_way',
      zone: 'lane-1',
      cls: 'motorcycle',
      severity: 'critical',
      timeMs: T0,
      detail: 'heading against lane-1 for 6 frames',
      ref: 'cam1-7',
      evidenceExpected: true,
    });
    const end = incidentSignal(
      { ...i, endMs: T0 + 9000, clip: { startMs: T0 - 5000, endMs: T0 + 5000 } },
      'clear',
    );
    expect(end).toMatchObject({
      state: 'clear',
      timeMs: T0 + 9000,
      ref: 'cam1-7',
      clip: { startMs: T0 - 5000 },
    });
  });

  it('congestion: heavy and jammed raise (jammed higher), free and moderate clear', () => {
    const e = { type: 'congestion' as const, cameraId: 'cam1', zoneId: 'road', timeMs: T0, alert: true };
    expect(congestionSignal({ ...e, level: 'heavy', previous: 'moderate', occupancy: 0.71 })).toMatchObject({
      state: 'raise',
      severity: 'medium',
      level: 'heavy',
      detail: 'moderate → heavy, occupancy 71 %',
    });
    expect(congestionSignal({ ...e, level: 'jammed', previous: 'heavy' })).toMatchObject({
      state: 'raise',
      severity: 'high',
    });
    expect(congestionSignal({ ...e, level: 'moderate', previous: 'heavy', alert: false }).state).toBe(
      'clear',
    );
  });

  it('sensor rules: warning maps to medium; metric and reading carried', () => {
    expect(
      sensorSignal({
        type: 'sensor_rule',
        state: 'raise',
        rule: 'threshold',
        device: 'aq-01',
        deviceType: 'air_quality',
        metric: 'pm25',
        value: 62.1,
        threshold: 55.5,
        unit: 'µg/m³',
        severity: 'warning',
        timeMs: T0,
        detail: 'pm25 62.1 µg/m³ ≥ 55.5 for 120 s',
      }),
    ).toEqual({
      state: 'raise',
      source: { kind: 'sensor', id: 'aq-01' },
      type: 'sensor_threshold',
      metric: 'pm25',
      value: 62.1,
      threshold: 55.5,
      unit: 'µg/m³',
      severity: 'medium',
      timeMs: T0,
      detail: 'pm25 62.1 µg/m³ ≥ 55.5 for 120 s',
    });
  });

  it('camera down: raised only after the camera stayed down, from when it went down; cleared by its next frame', async () => {
    const got: AlertSignal[] = [];
    const watch = new CameraDownWatch(150, (s) => got.push(s));
    const t = (to: CameraState, atMs: number, reason?: string) =>
      watch.onTransition({ cameraId: 'cam1', from: 'streaming', to, atMs, reason });
    // A short reconnect raises nothing.
    t('stalled', 1000, 'no frame');
    t('connecting', 1001);
    t('streaming', 1002, 'first frame');
    await new Promise((r) => setTimeout(r, 250));
    expect(got).toEqual([]);
    t('backoff', 2000, 'connection refused');
    t('connecting', 2001);
    t('unauthorized', 2002, 'unauthorized');
    await waitUntil('camera_down', async () => got.length === 1);
    expect(got[0]).toMatchObject({
      state: 'raise',
      type: 'camera_down',
      timeMs: 2000,
      level: 'unauthorized',
      severity: 'medium',
    });
    t('streaming', 5000, 'first frame');
    expect(got[1]).toMatchObject({ state: 'clear', type: 'camera_down', timeMs: 5000 });
    watch.stop();
  });

  it('node: disk low with 20 % margin to clear, spool and outbox full while they drop', () => {
    const got: AlertSignal[] = [];
    const w = new NodeWatch('edge-01', 1e9, (s) => got.push(s));
    const disk = (freeBytes: number) => ({ path: '/var/lib/ioc-edge', totalBytes: 64e9, freeBytes });
    const spool = (bytes: number, dropped: number) => ({ bytes, maxBytes: 1000, dropped });
    w.sample({ disk: disk(5e9), spool: spool(100, 0) });
    w.sample({ disk: disk(0.9e9), spool: spool(100, 0) });
    w.sample({ disk: disk(1.1e9), spool: spool(990, 40) }); // between the thresholds: still low
    w.sample({ disk: disk(1.3e9), spool: spool(800, 40) });
    expect(got.map((s) => `${s.type} ${s.state}`)).toEqual([
      'disk_low raise',
      'spool_full raise',
      'disk_low clear',
      'spool_full clear',
    ]);
    expect(got[0]).toMatchObject({ source: { kind: 'node', id: 'edge-01' }, severity: 'high' });
    expect(got[0]!.detail).toBe('0.90 GB free of 64.00 GB on /var/lib/ioc-edge (minimum 1.00 GB)');
  });
});
