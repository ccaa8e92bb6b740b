// Result rows and the helpers that read parsed result JSON and judge a figure against its goal.

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

export const fmt = (x: number) => (Math.abs(x) >= 1000 ? Math.round(x).toLocaleString('en-US') : String(x));

/** A row with a numeric goal: `atLeast` (≥) or at most (≤ / <). */
export function goalRow(
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

export const missing = (area: string, figure: string, goal: string): Row => ({
  area,
  figure,
  value: 'not measured',
  goal,
  verdict: 'not measured',
});

export const pct = (x: number | undefined) => (x === undefined ? undefined : Math.round(x * 1000) / 10);
