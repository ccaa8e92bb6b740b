import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { type Asset, assetType, PACKAGE_ROOT } from './console-assets.js';

const WEB = join(PACKAGE_ROOT, 'web');

/**
 * Bundles the console (web/src/main.ts and what it imports, JSMpeg included, its CSS) with esbuild into
 * memory: `outdir` is only where the names come from. Nothing is fetched at run time from elsewhere.
 */
export async function buildConsole(): Promise<Map<string, Asset>> {
  const esbuild = await import('esbuild');
  const result = await esbuild.build({
    entryPoints: [join(WEB, 'src', 'main.ts')],
    bundle: true,
    minify: true,
    format: 'esm',
    target: ['es2020', 'chrome100', 'safari15', 'firefox100'],
    outdir: join(WEB, 'out'),
    write: false,
    logLevel: 'silent',
    legalComments: 'none',
  });
  const files = new Map<string, Asset>();
  for (const f of result.outputFiles) {
    files.set(`/${basename(f.path)}`, { body: Buffer.from(f.contents), type: assetType(f.path) });
  }
  for (const name of ['index.html', 'icon.svg']) {
    files.set(`/${name}`, { body: readFileSync(join(WEB, name)), type: assetType(name) });
  }
  return files;
}
