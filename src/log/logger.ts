import pino, { type DestinationStream, type Logger } from 'pino';
import pretty from 'pino-pretty';
import { SecretScrubber } from './redact.js';

export type { Logger } from 'pino';

export interface LoggerOptions {
  level?: string;
  /** Human-readable output; default: when stdout is a terminal. */
  pretty?: boolean;
  /** Where lines go (default stdout); tests pass a stream to read what was logged. */
  destination?: DestinationStream;
  scrubber?: SecretScrubber;
}

/** Keys whose values never reach a log line, wherever they sit in a logged object. */
const REDACT_PATHS = [
  'password',
  'token',
  'secret',
  '*.password',
  '*.token',
  '*.secret',
  '*.*.password',
  '*.*.token',
  'headers.authorization',
  '*.headers.authorization',
];

export function createLogger(options: LoggerOptions = {}): Logger {
  const scrubber = options.scrubber ?? new SecretScrubber();
  const level = options.level ?? process.env.IOC_EDGE_LOG_LEVEL ?? 'info';
  const usePretty = options.pretty ?? (options.destination === undefined && process.stdout.isTTY === true);
  const destination: DestinationStream =
    options.destination ??
    (usePretty
      ? pretty({ sync: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' })
      : pino.destination({ fd: 1, sync: false }));
  return pino(
    {
      level,
      base: { pid: process.pid },
      redact: { paths: REDACT_PATHS, censor: '***' },
      // The final JSON line is scrubbed, so secrets inside messages, URLs and error texts are caught too.
      hooks: { streamWrite: (line) => scrubber.scrub(line) },
    },
    destination,
  );
}
