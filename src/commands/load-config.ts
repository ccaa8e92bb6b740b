import { ConfigError } from '../config/errors.js';
import { loadConfigFile, type ResolvedConfig } from '../config/load.js';

/** Loads a config or prints every problem to stderr; undefined means exit 1. */
export function loadOrReport(file: string): ResolvedConfig | undefined {
  try {
    return loadConfigFile(file);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      return undefined;
    }
    throw err;
  }
}
