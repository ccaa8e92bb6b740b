import { describe, expect, it } from 'vitest';
import { configSchema } from '../../src/config/schema.js';
import type { SensorRuleEvent } from '../../src/sensors/events.js';
import { DeviceRules } from '../../src/sensors/rules/device-rules.js';

function rulesFor(device: Record<string, unknown>, t0 = 0) {
  const cfg = configSchema.parse({
    node: { id: 'n1', site: 's1' },
    sensors: { devices: [{ id: 'aq-01', type: 'air_quality', topic: 'sensors/aq-01/state', ...device }] },
  });
  const events: SensorRuleEvent[] = [];
  const rules = new DeviceRules(cfg.sensors.devices[0]!, 3, (e) => events.push(e), t0);
  return { rules, events, states: () => events.map((e) => `${e.rule}:${e.state}`) };
}

const S = 1000;

describe('threshold rule', () => {
  const pm = {
    rules: [{ metric: 'pm25', raise: 55.5, clear: 35.5, for: '120s', severity: 'warning' }],
    metrics: { pm25: { unit: 'µg/m³' } },
  };

  it('raises once after the value held for the duration, clears below the clear level', () => {
    const { rules, events } = rulesFor(pm);
    for (let t = 0; t <= 100; t += 20) rules.update('pm25', 60, t * S);
    expect(events).toHaveLength(0);
    rules.update('pm25', 62.1, 120 * S);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
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
      timeMs: 120 * S,
      detail: 'pm25 62.1 µg/m³ ≥ 55.5 for 120 s',
    });
    rules.update('pm25', 40, 140 * S); // between clear and raise: still raised
    rules.update('pm25', 58, 160 * S);
    expect(events).toHaveLength(1);
    rules.update('pm25', 35.4, 180 * S);
    expect(events).toHaveLength(2);
    expect(events[1]).toMatchObject({ state: 'clear', value: 35.4, threshold: 35.5, timeMs: 180 * S });
  });

  it('flapping around the threshold gives one alert, not ten', () => {
    const { rules, states } = rulesFor({ rules: [{ metric: 'pm25', raise: 55.5, clear: 35.5 }] });
    for (let i = 0; i < 20; i++) rules.update('pm25', i % 2 ? 54 : 57, i * 10 * S);
    expect(states()).toEqual(['threshold:raise']);
  });

  it('a dip below the raise level restarts the hold time', () => {
    const { rules, events } = rulesFor(pm);
    rules.update('pm25', 60, 0);
    rules.update('pm25', 50, 100 * S);
    rules.update('pm25', 60, 110 * S);
    rules.update('pm25', 60, 200 * S);
    expect(events).toHaveLength(0);
    rules.update('pm25', 60, 230 * S);
    expect(events).toHaveLength(1);
  });

  it('watches low values when clear is above raise, and exactly at the levels', () => {
    const { rules, states } = rulesFor({
      rules: [{ metric: 'level', raise: 0.2, clear: 0.5, severity: 'critical' }],
    });
    rules.update('level', 0.21, 0);
    rules.update('level', 0.2, S);
    rules.update('level', 0.5, 2 * S); // not past clear yet
    rules.update('level', 0.51, 3 * S);
    expect(states()).toEqual(['threshold:raise', 'threshold:clear']);
  });

  it('ignores readings older than the last one (late buffered uplinks) and other metrics', () => {
    const { rules, events } = rulesFor(pm);
    rules.update('pm25', 60, 200 * S);
    rules.update('pm25', 60, 0);
    rules.update('pm10', 999, 400 * S);
    rules.update('pm25', 60, 310 * S);
    expect(events).toHaveLength(0);
    rules.update('pm25', 60, 320 * S);
    expect(events).toHaveLength(1);
  });
});

describe('rate-of-change rule', () => {
  const wl = {
    rules: [{ metric: 'level_cm', rate: 5, severity: 'critical' }],
    metrics: { level_cm: { unit: 'cm' } },
  };

  it('raises on a fast rise, clears when it slows below half the rate', () => {
    const { rules, events, states } = rulesFor(wl);
    rules.update('level_cm', 100, 0);
    rules.update('level_cm', 102, 60 * S); // 2 cm/min
    rules.update('level_cm', 108, 120 * S); // 6 cm/min
    expect(states()).toEqual(['rate:raise']);
    expect(events[0]).toMatchObject({
      value: 108,
      threshold: 5,
      detail: 'level_cm rising 6 cm/min (limit 5)',
    });
    rules.update('level_cm', 111, 180 * S); // 3 cm/min: still raised (clear below 2.5)
    rules.update('level_cm', 113, 240 * S); // 2 cm/min
    expect(states()).toEqual(['rate:raise', 'rate:clear']);
  });

  it('falls count too; readings under a second apart give no rate', () => {
    const { rules, states } = rulesFor(wl);
    rules.update('level_cm', 100, 0);
    rules.update('level_cm', 150, 500); // 0.5 s later: skipped
    rules.update('level_cm', 90, 60 * S);
    expect(states()).toEqual(['rate:raise']);
  });
});

describe('offline rule', () => {
  it('raises after k intervals without a reading, once, and clears at the next reading', () => {
    const { rules, events, states } = rulesFor(
      { interval: '60s', rules: [{ offline: 2, severity: 'critical' }] },
      0,
    );
    const off = rules.offline!;
    off.check(119 * S);
    expect(events).toHaveLength(0);
    off.check(120 * S);
    off.check(500 * S);
    expect(states()).toEqual(['offline:raise']);
    expect(events[0]!.metric).toBeUndefined();
    expect(events[0]).toMatchObject({
      severity: 'critical',
      detail: 'aq-01 offline: no reading for 120 s (expected every 60 s)',
    });
    off.seen(600 * S);
    off.seen(601 * S);
    expect(states()).toEqual(['offline:raise', 'offline:clear']);
    expect(events[1]!.detail).toBe('aq-01 back online');
    expect(rules.active()).toEqual([]);
  });

  it('every device with an interval is watched at the default k', () => {
    const { rules, states } = rulesFor({ interval: '10s' }, 0);
    rules.offline!.check(29 * S);
    rules.offline!.check(30 * S);
    expect(states()).toEqual(['offline:raise']);
    expect(rules.active()).toEqual(['offline']);
    expect(rulesFor({}).rules.offline).toBeUndefined();
  });
});
