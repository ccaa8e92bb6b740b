import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfigFile } from '../../src/config/load.js';
import { registerConfigSecrets, scrubberForConfig } from '../../src/config/secrets.js';
import { createLogger } from '../../src/log/logger.js';
import { Box, type BoxOptions } from '../../src/pipeline/box.js';

export interface RunningBox {
  box: Box;
  /** http://127.0.0.1:PORT */
  base: string;
  file: string;
  /** fetch against the API with the bearer token (unless `auth: false`). */
  call(path: string, init?: RequestInit & { auth?: boolean }): Promise<Response>;
  stop(): Promise<void>;
}

/**
 * Runs the whole `ioc-edge run` process in this test process: a Box on `yaml` (written to `dir`), the API
 * on a free port with `token`. Logs are silent unless IOC_EDGE_TEST_LOG is set.
 */
export async function startBox(
  dir: string,
  yaml: string,
  token: string | undefined,
  options: Partial<BoxOptions> = {},
): Promise<RunningBox> {
  const file = join(dir, 'config.yaml');
  writeFileSync(file, yaml);
  const cfg = loadConfigFile(file);
  const scrubber = scrubberForConfig(cfg);
  const log = createLogger({ level: process.env.IOC_EDGE_TEST_LOG ?? 'silent', scrubber });
  const box = new Box(cfg, {
    log,
    scrubber,
    onConfig: (c) => registerConfigSecrets(scrubber, c),
    ...options,
  });
  await box.start();
  const base = box.api.url!;
  return {
    box,
    get base() {
      return box.api.url ?? base;
    },
    file,
    call: (path, init = {}) => {
      const headers = new Headers(init.headers);
      if (init.auth !== false && token) headers.set('authorization', `Bearer ${token}`);
      return fetch(`${box.api.url ?? base}${path}`, { ...init, headers });
    },
    stop: () => box.stop(),
  };
}
