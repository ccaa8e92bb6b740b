import { parseArgs } from 'node:util';
import { registerConfigSecrets, scrubberForConfig } from '../config/secrets.js';
import { collectGarbage } from '../lifecycle/heap.js';
import { lockDataDir } from '../lifecycle/instance-lock.js';
import { onCrash, onShutdownSignal } from '../lifecycle/shutdown.js';
import { createLogger } from '../log/logger.js';
import { Box } from '../pipeline/box.js';
import { loadOrReport } from './load-config.js';
import { startRunSummary } from './run-summary.js';

/** How long a failed start may take to stop what it started before the process exits anyway. */
const FAILED_STOP_MS = 10_000;

export async function runCommand(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { config: { type: 'string', short: 'c' } } });
  const cfg = loadOrReport(values.config ?? 'config/default.yaml');
  if (!cfg) return 1;
  const scrubber = scrubberForConfig(cfg);
  const level = process.env.IOC_EDGE_LOG_LEVEL || cfg.log.level;
  const log = createLogger({ level, pretty: cfg.log.pretty, scrubber });
  try {
    await lockDataDir(cfg.dataDir);
  } catch (err) {
    log.fatal({ err }, 'start failed');
    return 1;
  }
  const box = new Box(cfg, {
    log,
    scrubber,
    // A config applied later may bring new secrets: the one scrubber learns them before anything logs.
    onConfig: (c) => registerConfigSecrets(scrubber, c),
    // After a failed apply the previous config did not start again: nothing runs.
    onFatal: () => void exitFailed(),
  });
  let summary: { stop(): void } | undefined;
  const stop = async () => {
    summary?.stop();
    await box.stop();
  };
  const exitFailed = async (): Promise<never> => {
    // Exit even if a half-started part still holds the event loop: the service manager restarts a
    // process that exited, not one that hangs on without its pipelines.
    setTimeout(() => process.exit(1), FAILED_STOP_MS).unref();
    await stop().catch((err: unknown) => log.error({ err }, 'stop failed'));
    log.flush?.();
    process.exit(1);
  };
  onShutdownSignal(log, stop);
  onCrash(log, stop);
  try {
    await box.start();
    collectGarbage();
  } catch (err) {
    log.fatal({ err }, 'start failed');
    return exitFailed();
  }
  // On a terminal, a compact picture of what the box sees, beside the log lines.
  if (process.stdout.isTTY) summary = startRunSummary(box, process.stdout);
  return new Promise<number>(() => {
    // Runs until a signal; the shutdown handler exits the process.
  });
}
