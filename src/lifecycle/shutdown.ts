import type { Logger } from '../log/logger.js';

/**
 * A terminal's Ctrl-C reaches every process of the foreground group, and npm (and tsx's CLI) relay it to
 * their child as well: one keypress arrives as two or three SIGINTs within milliseconds. Repeats within
 * this window are the same request, not an order to give up the graceful stop.
 */
const SAME_SIGNAL_WINDOW_MS = 1000;

/**
 * SIGINT/SIGTERM stop the gateway gracefully; another signal later than the relay window, or the
 * deadline, forces the exit so a stuck part can never keep a box from restarting.
 */
export function onShutdownSignal(log: Logger, stop: () => Promise<void>, deadlineMs = 10_000): void {
  let stoppingSince: number | undefined;
  const handler = (signal: NodeJS.Signals) => {
    if (stoppingSince !== undefined) {
      if (Date.now() - stoppingSince < SAME_SIGNAL_WINDOW_MS) {
        log.debug({ signal }, 'repeated signal (relayed): already stopping');
        return;
      }
      log.warn({ signal }, 'second signal: exiting now');
      process.exit(1);
    }
    stoppingSince = Date.now();
    log.info({ signal }, 'shutting down');
    const timer = setTimeout(() => {
      log.error({ deadlineMs }, 'shutdown took too long: exiting');
      process.exit(1);
    }, deadlineMs);
    timer.unref();
    stop().then(
      () => {
        log.info('stopped');
        log.flush?.();
        process.exit(0);
      },
      (err: unknown) => {
        log.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
}

/**
 * A promise nobody handled is logged and the gateway keeps running; an exception that escaped every
 * handler leaves state unknown, so the gateway stops what it can and exits non-zero for systemd to
 * restart it.
 */
export function onCrash(log: Logger, stop: () => Promise<void>, deadlineMs = 5_000): void {
  process.on('unhandledRejection', (reason) => {
    log.error({ err: reason }, 'unhandled promise rejection');
  });
  process.on('uncaughtException', (err) => {
    log.fatal({ err }, 'uncaught exception: stopping');
    setTimeout(() => process.exit(1), deadlineMs).unref();
    stop().finally(() => process.exit(1));
  });
}
