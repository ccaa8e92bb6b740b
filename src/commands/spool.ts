import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { Store } from '../store/store.js';
import { Spool } from '../timeseries/spool.js';
import { loadOrReport } from './load-config.js';

/**
 * `ioc-edge spool`: what is waiting in the time-series spool and the newest dead letters, as JSON, for a
 * technician on the box. Reads the same SQLite file the running gateway writes (WAL allows both).
 */
export async function spoolCommand(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      config: { type: 'string', short: 'c' },
      'dead-letters': { type: 'string', default: '10' },
    },
  });
  const cfg = loadOrReport(values.config ?? 'config/default.yaml');
  if (!cfg) return 1;
  const limit = Number(values['dead-letters']);
  if (!Number.isInteger(limit) || limit < 0) {
    process.stderr.write(`spool: --dead-letters must be a whole number, got "${values['dead-letters']}"\n`);
    return 2;
  }
  const path = cfg.influx.spool.path ?? cfg.store.path;
  if (!existsSync(path)) {
    process.stdout.write(`${JSON.stringify({ path, points: 0, note: 'no spool file yet' })}\n`);
    return 0;
  }
  const store = new Store(path);
  try {
    const spool = new Spool(store, cfg.influx.spool.maxBytes);
    const s = spool.stats();
    const out = {
      path,
      points: s.points,
      bytes: s.bytes,
      maxBytes: s.maxBytes,
      oldestAgeSeconds: s.oldestAt === null ? null : Math.round((Date.now() - s.oldestAt) / 1000),
      deadLettered: s.deadLettered,
      deadLetters: spool
        .deadLetters(limit)
        .map((d) => ({ at: new Date(d.at).toISOString(), error: d.error, line: d.line })),
    };
    process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
    return 0;
  } finally {
    store.close();
  }
}
