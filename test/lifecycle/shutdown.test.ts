import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { removeDir, startProcess, tempDir, waitUntil } from '../support/process.js';

const dir = tempDir('shutdown');
afterAll(() => removeDir(dir));

/** A process whose stop takes `stopMs`, stopped by onShutdownSignal; prints "ready" once listening. */
function stoppable(stopMs: number) {
  const script = join(dir, `stop-${stopMs}.ts`);
  const shutdown = pathToFileURL(join(import.meta.dirname, '../../src/lifecycle/shutdown.ts')).href;
  const logger = pathToFileURL(join(import.meta.dirname, '../../src/log/logger.ts')).href;
  writeFileSync(
    script,
    [
      `import { onShutdownSignal } from ${JSON.stringify(shutdown)};`,
      `import { createLogger } from ${JSON.stringify(logger)};`,
      `onShutdownSignal(createLogger({ pretty: false }), () => new Promise((r) => setTimeout(r, ${stopMs})));`,
      'setInterval(() => {}, 1000);',
      "console.log('ready');",
    ].join('\n'),
  );
  return startProcess('stoppable', process.execPath, ['--import', 'tsx', script]);
}

describe('onShutdownSignal', () => {
  it('takes a signal repeated at once (npm start forwarding the terminal Ctrl-C) as one request', async () => {
    const p = stoppable(800);
    await waitUntil('ready', async () => p.output().includes('ready'), { server: p });
    const first = Date.now();
    p.child.kill('SIGINT');
    // The repeat arrives once the first is being handled (two pending signals would merge into one).
    await waitUntil('shutting down', async () => p.output().includes('shutting down'), {
      server: p,
      intervalMs: 10,
    });
    p.child.kill('SIGINT');
    expect(Date.now() - first, 'the repeat came later than npm would send it').toBeLessThan(1000);
    expect(await p.exited).toBe(0);
    expect(p.output()).toContain('"msg":"stopped"');
    expect(p.output()).not.toContain('second signal');
  });

  it('exits at once on a second signal well after the first', async () => {
    const p = stoppable(5000);
    await waitUntil('ready', async () => p.output().includes('ready'), { server: p });
    p.child.kill('SIGTERM');
    await waitUntil('shutting down', async () => p.output().includes('shutting down'), { server: p });
    await new Promise((r) => setTimeout(r, 1200));
    const t0 = Date.now();
    p.child.kill('SIGTERM');
    expect(await p.exited).toBe(1);
    expect(Date.now() - t0).toBeLessThan(2000);
    expect(p.output()).toContain('second signal: exiting now');
  });
});
