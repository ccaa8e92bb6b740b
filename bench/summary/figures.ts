// The headline figure of every benchmark beside its goal (from the issues) and the peer measured in the same
// run, read from whatever bench/results/*.json exist; a missing or unreadable file is "not measured".

export type Verdict = 'pass' | 'miss' | 'not measured' | 'info';

export interface Row {
  area: string;
  figure: string;
  value: string;
  goal: string;
  verdict: Verdict;
  peer?: string;
}

/** The parsed result files by name (`sensors` for sensors.json); undefined when absent. */
export type Results = Record<string, unknown>;

/** A value inside parsed JSON by path; undefined when any step is missing. */
export function at(x: unknown, ...path: (string | number)[]): unknown {
  let v = x;
  for (const p of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string | number, unknown>)[p];
  }
  return v;
}

export function num(x: unknown, ...path: (string | number)[]): number | undefined {
  const v = at(x, ...path);
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

export function list(x: unknown, ...path: (string | number)[]): unknown[] {
  const v = at(x, ...path);
  return Array.isArray(v) ? v : [];
}

const fmt = (x: number) => (Math.abs(x) >= 1000 ? Math.round(x).toLocaleString('en-US') : String(x));

/** A row with a numeric goal: `atLeast` (≥) or at most (≤ / <). */
function goalRow(
  area: string,
  figure: string,
  value: number | undefined,
  goal: { atLeast?: number; below?: number; atMost?: number },
  unit = '',
  peer?: string,
): Row {
  const u = unit ? ` ${unit}` : '';
  const goalText =
    goal.atLeast !== undefined
      ? `≥ ${fmt(goal.atLeast)}${u}`
      : goal.below !== undefined
        ? `< ${fmt(goal.below)}${u}`
        : `≤ ${fmt(goal.atMost!)}${u}`;
  if (value === undefined)
    return { area, figure, value: 'not measured', goal: goalText, verdict: 'not measured' };
  const ok =
    goal.atLeast !== undefined
      ? value >= goal.atLeast
      : goal.below !== undefined
        ? value < goal.below
        : value <= goal.atMost!;
  const row: Row = {
    area,
    figure,
    value: `${fmt(value)}${u}`,
    goal: goalText,
    verdict: ok ? 'pass' : 'miss',
  };
  if (peer !== undefined) row.peer = peer;
  return row;
}

const missing = (area: string, figure: string, goal: string): Row => ({
  area,
  figure,
  value: 'not measured',
  goal,
  verdict: 'not measured',
});

function sensors(r: unknown): Row[] {
  const runs = list(r, 'runs');
  const best = (system: string) => {
    const v = runs.filter((x) => at(x, 'system') === system).map((x) => num(x, 'readingsPerSecond') ?? 0);
    return v.length > 0 ? Math.max(...v) : undefined;
  };
  const ours = best('ioc-edge');
  const red = best('Node-RED');
  const ratios = Object.values((at(r, 'ratio') ?? {}) as Record<string, number>).filter(Number.isFinite);
  return [
    goalRow(
      'Sensors',
      'MQTT readings/s acked after persist (best run)',
      ours,
      { atLeast: num(r, 'goal') ?? 50_000 },
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

function timeseries(r: unknown): Row[] {
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

function alerts(r: unknown): Row[] {
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

function detect(r: unknown): Row[] {
  const rows: Row[] = [];
  for (const c of list(r, 'results')) {
    const clip = String(at(c, 'clip') ?? '?').replace(/\.mp4$/, '');
    const base = num(c, 'baseline', 'fps');
    rows.push(
      goalRow(
        'Detect',
        `${clip}: analyze fps vs OpenCV baseline`,
        num(c, 'speedup'),
        { atLeast: 4 },
        '×',
        base !== undefined ? `OpenCV ${base} fps (ours ${num(c, 'ours', 'fps')} fps)` : undefined,
      ),
      {
        area: 'Detect',
        figure: `${clip}: inference ms/frame`,
        value: `${num(c, 'ours', 'inference', 'meanMs') ?? '?'} ms`,
        goal: '—',
        verdict: 'info',
      },
    );
    if (clip.startsWith('nl_'))
      rows.push(
        goalRow(
          'Detect',
          `${clip}: share of the model-only ceiling`,
          pct(num(c, 'ofCeiling')),
          { atLeast: 80 },
          '%',
        ),
      );
  }
  return rows.length > 0 ? rows : [missing('Detect', 'analyze fps vs OpenCV baseline', '≥ 4×')];
}

const pct = (x: number | undefined) => (x === undefined ? undefined : Math.round(x * 1000) / 10);

/** Counted vs truth per class: within 10 % (at least ±1), as test/accuracy checks. */
function accuracy(r: unknown): Row[] {
  const cases = Array.isArray(r) ? r : list(r, 'cases');
  const rows: Row[] = [];
  for (const c of cases) {
    const truth = at(c, 'truth', 'counts') as Record<string, Record<string, number>> | undefined;
    const line = at(c, 'truth', 'line');
    if (!truth || typeof line !== 'string') continue;
    let worst = 0;
    let ok = true;
    for (const [dir, classes] of Object.entries(truth)) {
      for (const [cls, want] of Object.entries(classes)) {
        const got = num(c, 'counts', line, dir, cls) ?? 0;
        const err = Math.abs(got - want);
        worst = Math.max(worst, want > 0 ? err / want : err > 0 ? 1 : 0);
        if (err > Math.max(1, 0.1 * want)) ok = false;
      }
    }
    rows.push({
      area: 'Accuracy',
      figure: `${at(c, 'name')}: counts vs truth, worst class`,
      value: `${Math.round(worst * 100)} % off`,
      goal: 'each class within 10 % (±1)',
      verdict: ok ? 'pass' : 'miss',
    });
  }
  const ratio = num(r, 'throughput', 'ratio');
  if (ratio !== undefined) {
    const base = list(r, 'throughput', 'baseline')
      .map(Number)
      .sort((a, b) => a - b);
    rows.push(
      goalRow(
        'Accuracy',
        'analyze --every-frame, default settings, vs OpenCV (NL)',
        ratio,
        { atLeast: 4 },
        '×',
        base.length ? `OpenCV ${base[Math.floor(base.length / 2)]} fps` : undefined,
      ),
    );
  }
  return rows.length > 0 ? rows : [missing('Accuracy', 'counts vs truth per clip', 'each class within 10 %')];
}

function tracking(r: unknown): Row[] {
  const rows = (Array.isArray(r) ? r : []).filter((x) => at(x, 'stage') === 'tracker + analytics');
  const top = rows.sort((a, b) => (num(b, 'objects') ?? 0) - (num(a, 'objects') ?? 0))[0];
  return [
    goalRow(
      'Tracking',
      `tracker + analytics µs/frame at ${num(top, 'objects') ?? '?'} objects`,
      num(top, 'usPerFrame'),
      { below: 1000 },
      'µs',
    ),
  ];
}

function ingest(r: unknown): Row[] {
  return [
    goalRow(
      'Ingest',
      'cameras at 1080p25, < 1 % skipped (ingest only)',
      num(r, 'summary', '1080p', 'maxCameras'),
      { atLeast: 12 },
    ),
  ];
}

/** The newest run of each mode (memory and capacity files keep labelled runs side by side). */
function newestByMode(runs: unknown[]): Map<string, unknown> {
  const out = new Map<string, unknown>();
  for (const run of runs) {
    const mode = String(at(run, 'mode') ?? 'main');
    const before = out.get(mode);
    if (!before || String(at(run, 'date')) > String(at(before, 'date'))) out.set(mode, run);
  }
  return out;
}

function memory(r: unknown): Row[] {
  const runs = newestByMode(list(r, 'runs'));
  if (runs.size === 0)
    return [
      missing('Memory', 'gateway PSS, 0 cameras', '≤ 150 MB'),
      missing('Memory', 'PSS per added camera', '≤ 40 MB'),
    ];
  const rows: Row[] = [];
  for (const [mode, run] of runs) {
    const base = list(run, 'steps').find((s) => num(s, 'cameras') === 0);
    const label = mode === 'sub' ? 'substream cameras' : 'main-stream cameras';
    rows.push(
      goalRow(
        'Memory',
        `gateway PSS, 0 cameras (${label})`,
        num(base, 'gatewayPssMb'),
        { atMost: 150 },
        'MB',
      ),
      goalRow(
        'Memory',
        `PSS per added camera incl. ffmpeg (${label})`,
        num(run, 'perAdditionalCameraMb'),
        { atMost: 40 },
        'MB',
      ),
    );
  }
  return rows;
}

function capacity(r: unknown): Row[] {
  const runs = list(r, 'runs');
  const newest = runs.reduce<unknown>(
    (a, b) => (!a || String(at(b, 'date')) > String(at(a, 'date')) ? b : a),
    undefined,
  );
  const summary = list(newest, 'summary');
  const of = (mode: string) => summary.find((s) => at(s, 'mode') === mode);
  const rows: Row[] = [];
  for (const [mode, goal, label] of [
    ['sub', 16, 'cameras with detect substreams, < 1 % skipped'],
    ['main', 8, 'main-stream-only 1080p25 cameras, < 1 % skipped'],
  ] as const) {
    const s = of(mode);
    const row = goalRow('Capacity', label, num(s, 'maxCameras'), { atLeast: goal });
    if (at(s, 'rampEnd') === true) row.value = `≥ ${row.value} (ramp ended)`;
    rows.push(row);
    if (s)
      rows.push(
        goalRow(
          'Capacity',
          `ingest overhead beyond decode (${mode})`,
          num(s, 'overheadPct'),
          { atMost: 20 },
          '%',
        ),
      );
  }
  const analyze = list(r, 'analyze', 'rows');
  const clips = [...new Set(analyze.map((x) => String(at(x, 'clip'))))];
  for (const clip of clips) {
    const rs = analyze.filter((x) => at(x, 'clip') === clip);
    const one = rs.find((x) => num(x, 'sessions') === 1);
    const many = rs.filter((x) => (num(x, 'sessions') ?? 1) > 1).at(-1);
    const f1 = num(one, 'fps', 'median');
    const fn = num(many, 'fps', 'median');
    const row = goalRow(
      'Capacity',
      `${clip}: analyze on every core vs one`,
      f1 && fn ? Math.round((fn / f1) * 100) / 100 : undefined,
      { atLeast: 1.7 },
      '×',
    );
    if (at(many, 'sameCounts') === false) row.verdict = 'miss';
    rows.push(row);
  }
  if (analyze.length === 0) rows.push(missing('Capacity', 'analyze on every core vs one', '≥ 1.7×'));
  return rows;
}

function fleet(r: unknown): Row[] {
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

export const SOURCES: Record<string, (r: unknown) => Row[]> = {
  sensors,
  timeseries,
  alerts,
  detect,
  accuracy,
  tracking,
  ingest,
  memory,
  capacity,
  fleet,
};

export function figures(results: Results): Row[] {
  const rows: Row[] = [];
  for (const [name, fn] of Object.entries(SOURCES)) {
    const r = results[name];
    if (r === undefined) {
      const shaped = fn(undefined).map((row) => ({
        ...row,
        value: 'not measured',
        verdict: 'not measured' as const,
      }));
      rows.push(...shaped.filter((row) => row.goal !== '—'));
      if (shaped.length === 0) rows.push(missing(name, 'no results file', '—'));
      continue;
    }
    rows.push(...fn(r));
  }
  return rows;
}
