// Headline figures of the data path and the fleet: sensors, time series, alerts, fleet.
import { at, fmt, goalRow, list, missing, num, pct, type Row } from './rows.js';

export function sensors(r: unknown): Row[] {
  const runs = list(r, 'runs');
  const of = (system: string, key: string) =>
    runs.filter((x) => at(x, 'system') === system).map((x) => num(x, key) ?? 0);
  const max = (v: number[]) => (v.length > 0 ? Math.max(...v) : undefined);
  const min = (v: number[]) => (v.length > 0 ? Math.min(...v) : undefined);
  const red = max(of('Node-RED', 'readingsPerSecond'));
  const goal = { atLeast: num(r, 'goal') ?? 50_000 };
  const ratios = Object.values((at(r, 'ratio') ?? {}) as Record<string, number>).filter(Number.isFinite);
  return [
    goalRow(
      'Sensors',
      'MQTT readings/s acked after persist (worst publisher count)',
      min(of('ioc-edge', 'intakePerSecond')),
      goal,
    ),
    goalRow(
      'Sensors',
      'readings/s end to end into InfluxDB, all on one box (best run)',
      max(of('ioc-edge', 'readingsPerSecond')),
      goal,
      '',
      red !== undefined ? `Node-RED ${fmt(red)}/s` : undefined,
    ),
    goalRow(
      'Sensors',
      'ratio to Node-RED (worst publisher count)',
      ratios.length ? Math.min(...ratios) : undefined,
      {
        atLeast: 5,
      },
      '×',
    ),
  ];
}

export function timeseries(r: unknown): Row[] {
  const goal = { atLeast: num(r, 'goalPointsPerSecond') ?? 50_000 };
  return [
    goalRow(
      'Time series',
      'points/s written live (spool → InfluxDB)',
      num(r, 'live', 'pointsPerSecond'),
      goal,
    ),
    goalRow('Time series', 'points/s replayed after an outage', num(r, 'replay', 'pointsPerSecond'), goal),
  ];
}

export function alerts(r: unknown): Row[] {
  return [
    goalRow(
      'Alerts',
      'alert → PUBACK p99 (one box, 50/s)',
      num(r, 'live', 'alertPubackMs', 'p99'),
      {
        below: num(r, 'goals', 'p99Ms') ?? 200,
      },
      'ms',
    ),
    goalRow(
      'Alerts',
      'outbox catch-up after an outage',
      num(r, 'outage', 'catchUp', 'alertsPerSecond'),
      {
        atLeast: num(r, 'goals', 'catchUpPerSecond') ?? 500,
      },
      'alerts/s',
    ),
  ];
}

export function fleet(r: unknown): Row[] {
  const n = num(r, 'config', 'instances');
  const once = at(r, 'alerts', 'exactlyOnceById');
  const rows: Row[] = [
    goalRow(
      'Fleet',
      `${n ?? 100} boxes: alert raised → IOC consumer p99`,
      num(r, 'latencyMs', 'steady', 'p99'),
      { below: 200 },
      'ms',
    ),
    once === undefined
      ? missing('Fleet', 'every alert at the IOC exactly once by id across a broker outage', 'yes')
      : {
          area: 'Fleet',
          figure: `every alert at the IOC exactly once by id across a ${num(r, 'outage', 'seconds')} s broker outage`,
          value: `${once ? 'yes' : 'no'} (${num(r, 'alerts', 'raised')} alerts, ${num(r, 'alerts', 'missing')} missing)`,
          goal: 'yes',
          verdict: once ? 'pass' : 'miss',
        },
    goalRow(
      'Fleet',
      'heartbeat completeness outside the outage, worst box',
      pct(num(r, 'heartbeat', 'completenessOutsideOutage', 'min')),
      { atLeast: 99 },
      '%',
    ),
  ];
  if (r !== undefined) {
    rows.push({
      area: 'Fleet',
      figure: 'broker messages/s (consumer), per box msgs/s and bytes/s; CPU % and RSS MB per instance',
      value: `${num(r, 'throughput', 'consumerMsgsPerS')}; ${num(r, 'perNode', 'msgsPerS')} and ${num(r, 'perNode', 'bytesPerS')}; ${num(r, 'resources', 'perInstance', 'cpuPercent')} % and ${num(r, 'resources', 'perInstance', 'rssShareMB')} MB`,
      goal: '—',
      verdict: 'info',
    });
  }
  return rows;
}
