import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { RejectedStore } from '../sensors/rejected-store.js';
import { Store } from '../store/store.js';
import { loadOrReport } from './load-config.js';

/**
 * `ioc-edge sensors`: the configured devices and, with `--rejected [N]`, the newest rejected sensor
 * messages (time, topic, device, reason, detail, payload) as JSON, read from the spool's SQLite file
 * the running gateway writes (WAL allows both).
 */
export async function sensorsCommand(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      config: { type: 'string', short: 'c' },
      rejected: { type: 'boolean', default: false },
      limit: { type: 'string', short: 'n', default: '20' },
    },
  });
  const cfg = loadOrReport(values.config ?? 'config/default.yaml');
  if (!cfg) return 1;
  const limit = Number(values.limit);
  if (!Number.isInteger(limit) || limit < 0) {
    process.stderr.write(`sensors: --limit must be a whole number, got "${values.limit}"\n`);
    return 2;
  }
  const devices = cfg.sensors.devices.map((d) => ({
    id: d.id,
    type: d.type,
    topic: d.topic,
    decoder: d.decoder.type,
  }));
  if (!values.rejected) {
    process.stdout.write(`${JSON.stringify({ broker: cfg.sensors.broker, devices }, null, 2)}\n`);
    return 0;
  }
  const path = cfg.influx.spool.path ?? cfg.store.path;
  if (!existsSync(path)) {
    process.stdout.write(`${JSON.stringify({ path, rejected: [], note: 'no store file yet' })}\n`);
    return 0;
  }
  const store = new Store(path);
  try {
    const rejected = RejectedStore.list(store, limit).map((r) => ({
      ...r,
      at: new Date(r.at).toISOString(),
    }));
    process.stdout.write(`${JSON.stringify({ path, rejected }, null, 2)}\n`);
    return 0;
  } finally {
    store.close();
  }
}
