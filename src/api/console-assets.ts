import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Logger } from '../log/logger.js';

export interface Asset {
  body: Buffer;
  type: string;
}

/** Package root: two levels above this module, in src/api/ and in dist/api/ alike. */
export const PACKAGE_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BUILT = join(PACKAGE_ROOT, 'dist', 'web');
const FROM_DIST = fileURLToPath(import.meta.url).includes(`${join('dist', 'api')}`);

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json',
  '.map': 'application/json',
};

let loading: Promise<Map<string, Asset>> | undefined;

/**
 * The technician console's files, by URL path. A build (`npm run build`) serves what it put in dist/web;
 * run from source (`npm start`), the console is bundled from web/ in memory once per process (esbuild,
 * a development dependency), so a fresh clone needs no separate build step.
 */
export function consoleAssets(log: Logger): Promise<Map<string, Asset>> {
  loading ??= (async () => {
    if (FROM_DIST) {
      if (!existsSync(BUILT))
        throw new Error(`the console is not built: ${BUILT} is missing (npm run build)`);
      return readDir(BUILT);
    }
    const started = Date.now();
    const { buildConsole } = await import('./console-build.js');
    const files = await buildConsole();
    log.info({ ms: Date.now() - started, files: files.size }, 'console bundled from web/');
    return files;
  })();
  return loading;
}

function readDir(dir: string): Map<string, Asset> {
  const out = new Map<string, Asset>();
  for (const name of readdirSync(dir)) {
    out.set(`/${name}`, {
      body: readFileSync(join(dir, name)),
      type: TYPES[extname(name)] ?? 'application/octet-stream',
    });
  }
  return out;
}

export function assetType(name: string): string {
  return TYPES[extname(name)] ?? 'application/octet-stream';
}
