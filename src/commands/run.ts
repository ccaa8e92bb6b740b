import { parseArgs } from 'node:util';
import { scrubberForConfig } from '../config/secrets.js';
import { onCrash, onShutdownSignal } from '../lifecycle/shutdown.js';
import { createLogger } from '../log/logger.js';
import { Gateway } from '../pipeline/gateway.js';
import { loadOrReport } from './load-config.js';

export async function runCommand(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { config: { type: 'string', short: 'c' } } });
  const cfg = loadOrReport(values.config ?? 'config/default.yaml');
  if (!cfg) return 1;
  const scrubber = scrubberForConfig(cfg);
  const level = process.env.IOC_EDGE_LOG_LEVEL || cfg.log.level;
  const log = createLogger({ level, pretty: cfg.log.pretty, scrubber });
  const gateway = new Gateway(cfg, log, scrubber);
  onShutdownSignal(log, () => gateway.stop());
  onCrash(log, () => gateway.stop());
  try {
    await gateway.start();
  } catch (err) {
    log.fatal({ err }, 'start failed');
    await gateway.stop();
    return 1;
  }
  return new Promise<number>(() => {
    // Runs until a signal; the shutdown handler exits the process.
  });
}
