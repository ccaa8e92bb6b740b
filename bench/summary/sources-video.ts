// Headline figures of the video path: detect, tracking, ingest, memory, capacity (accuracy: sources-accuracy.ts).
import { at, goalRow, list, missing, num, pct, type Row } from './rows.js';

export function detect(r: unknown): Row[] {
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

export function tracking(r: unknown): Row[] {
  const out: Row[] = [];
  for (const [stage, name] of [
    ['tracker + analytics', 'tracker + analytics'],
    [
      'tracker + analytics + picture',
      'tracker + analytics with the picture rules (640x360: tamper, objects)',
    ],
  ] as const) {
    const rows = (Array.isArray(r) ? r : []).filter((x) => at(x, 'stage') === stage);
    const top = rows.sort((a, b) => (num(b, 'objects') ?? 0) - (num(a, 'objects') ?? 0))[0];
    if (!top && stage !== 'tracker + analytics') continue;
    out.push(
      goalRow(
        'Tracking',
        `${name} µs/frame at ${num(top, 'objects') ?? '?'} objects`,
        num(top, 'usPerFrame'),
        { below: 1000 },
        'µs',
      ),
    );
  }
  return out;
}

export function ingest(r: unknown): Row[] {
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
export function newestByMode(runs: unknown[]): Map<string, unknown> {
  const out = new Map<string, unknown>();
  for (const run of runs) {
    const mode = String(at(run, 'mode') ?? 'main');
    const before = out.get(mode);
    if (!before || String(at(run, 'date')) > String(at(before, 'date'))) out.set(mode, run);
  }
  return out;
}

export function memory(r: unknown): Row[] {
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

const GOAL_CLIP = 'nl_motorway_overpass.mp4';

/** The newest of `runs` (by date). */
function newestRun(runs: unknown[]): unknown {
  return runs.reduce<unknown>(
    (a, b) => (!a || String(at(b, 'date')) > String(at(a, 'date')) ? b : a),
    undefined,
  );
}

export function capacity(r: unknown): Row[] {
  const runs = list(r, 'runs');
  // The goals are for the NL clip (traffic in every frame); runs on other clips are shown beside them.
  const clipOf = (run: unknown) => String(at(run, 'clip') ?? GOAL_CLIP);
  const newest = newestRun(runs.filter((run) => clipOf(run) === GOAL_CLIP));
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
  for (const clip of new Set(runs.map(clipOf))) {
    if (clip === GOAL_CLIP) continue;
    for (const s of list(newestRun(runs.filter((run) => clipOf(run) === clip)), 'summary')) {
      rows.push({
        area: 'Capacity',
        figure: `${clip}: ${at(s, 'mode') === 'sub' ? 'substream' : 'main-stream'} cameras, < 1 % skipped`,
        value: `${at(s, 'rampEnd') === true ? '≥ ' : ''}${num(s, 'maxCameras') ?? '?'}`,
        goal: '— (the goals are for the NL clip)',
        verdict: 'info',
      });
    }
  }
  const analyze = list(r, 'analyze', 'rows');
  const clips = [...new Set(analyze.map((x) => String(at(x, 'clip'))))];
  for (const clip of clips) {
    const rs = analyze.filter((x) => at(x, 'clip') === clip);
    const one = rs.find((x) => num(x, 'sessions') === 1 && at(x, 'oneCore') !== true);
    const pinned = rs.find((x) => at(x, 'oneCore') === true);
    const many = rs.filter((x) => (num(x, 'sessions') ?? 1) > 1).at(-1);
    const f1 = num(one, 'fps', 'median');
    const fn = num(many, 'fps', 'median');
    const fp = num(pinned, 'fps', 'median');
    if (fp && fn)
      rows.push({
        area: 'Capacity',
        figure: `${clip}: analyze on every core vs held to one core; cores busy with one session`,
        value: `${Math.round((fn / fp) * 100) / 100} ×; ${num(one, 'coresBusy') ?? '?'}`,
        goal: '—',
        verdict: 'info',
      });
    // Sessions only add what one session leaves idle: the bound, beside the goal it is measured against.
    const busy = num(one, 'coresBusy');
    const cores = num(many, 'sessions');
    const bound =
      busy && cores
        ? ` (at most ${Math.round((cores / busy) * 100) / 100} × here: one session keeps ${busy} of ${cores} cores busy)`
        : '';
    const row = goalRow(
      'Capacity',
      `${clip}: analyze on every core vs one${bound}`,
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
