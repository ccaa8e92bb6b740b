#!/usr/bin/env node
// The `ioc-edge` command (`npx ioc-edge`, `npm start`). In a checkout it runs the TypeScript sources in this
// process through tsx's loader: no build step, and a stale dist/ can never shadow edited sources. A copy
// without src/ (the container image) runs the build in dist/.
import { existsSync } from 'node:fs';

const source = new URL('../src/cli.ts', import.meta.url);
const build = new URL('../dist/cli.js', import.meta.url);

async function tsxLoader() {
  try {
    return await import('tsx/esm/api');
  } catch (err) {
    if (err?.code === 'ERR_MODULE_NOT_FOUND') return undefined;
    throw err;
  }
}

const tsx = existsSync(source) ? await tsxLoader() : undefined;
if (tsx) {
  tsx.register();
  await import(source.href);
} else if (existsSync(build)) {
  if (existsSync(source)) {
    process.stderr.write('ioc-edge: tsx is not installed (npm ci --omit=dev?): running the build in dist/\n');
  }
  await import(build.href);
} else {
  process.stderr.write(
    'ioc-edge: neither the sources with tsx nor a build: run ./scripts/bootstrap.sh (or npm ci), or npm run build\n',
  );
  process.exitCode = 1;
}
