// Bundles the technician console into dist/web (what a built gateway serves; `npm start` bundles in memory).
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../src/api/console-assets.js';
import { buildConsole } from '../src/api/console-build.js';

const out = join(PACKAGE_ROOT, 'dist', 'web');
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
const files = await buildConsole();
for (const [name, asset] of files) writeFileSync(join(out, name.slice(1)), asset.body);
process.stdout.write(`console: ${[...files.keys()].join(' ')} → ${out}\n`);
