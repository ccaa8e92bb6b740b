import { parseArgs } from 'node:util';
import { registerConfigSecrets, scrubberForConfig } from '../config/secrets.js';
import { onCrash, onShutdownSignal } from '../lifecycle/shutdown.js';
import { createLogger } from '../log/logger.js';
import { Gateway } from '../pipeline/gateway.js';
import { GatewayRunner } from '../pipeline/runner.js';
import { loadOrReport } from './load-config.js';

export async function runCommand(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { config: { type: 'string', short: 'c' } } });
  const cfg = loadOrReport(values.config ?? 'config/default.yaml');
  if (!cfg) return 1;
  const scrubber = scrubberForConfig(cfg);
  const level = process.env.IOC_EDGE_LOG_LEVEL || cfg.log.level;
  const log = createLogger({ level, pretty: cfg.log.pretty, scrubber });
  const runner = new GatewayRunner(cfg, {
    log,
    build: (c, control) => new Gateway(c, log, scrubber, control),
    // A config applied later may bring new secrets: the one scrubber learns them before anything logs.
    onConfig: (c) => registerConfigSecrets(scrubber, c),
  });
  onShutdownSignal(log, () => runner.stop());
  onCrash(log, () => runner.stop());
  try {
    await runner.start();
  } catch (err) {
    log.fatal({ err }, 'start failed');
    await runner.stop();
    return 1;
  }
  return new Promise<number>(() => {
    // Runs until a signal; the shutdown handler exits the process.
  });
}
