// The headline figure of every benchmark beside its goal (from the issues) and the peer measured in the same run,
// read from whatever bench/results/*.json exist; a missing or unreadable file is "not measured".
import { missing, type Results, type Row } from './rows.js';
import { accuracy } from './sources-accuracy.js';
import { alerts, fleet, sensors, timeseries } from './sources-box.js';
import { soak } from './sources-soak.js';
import { capacity, detect, ingest, memory, tracking } from './sources-video.js';

export { at, list, num, type Results, type Row, type Verdict } from './rows.js';

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
  'soak-cameras': soak,
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
