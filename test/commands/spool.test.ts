import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Store } from '../../src/store/store.js';
import { newBatch, Spool } from '../../src/timeseries/spool.js';
import { runCli } from '../support/cli.js';
import { removeDir, tempDir } from '../support/process.js';

const dir = tempDir('ts-cli');
afterAll(() => removeDir(dir));

describe('ioc-edge spool', () => {
  it('prints depth, size, oldest age and the newest dead letters', async () => {
    const config = join(dir, 'gw.yaml');
    writeFileSync(config, `node: { id: n1, site: s1 }\ndataDir: ${dir}/data\n`);
    const store = new Store(join(dir, 'data', 'ioc-edge.db'));
    const spool = new Spool(store, 1e9);
    spool.append(['m v=1 1', 'm v=2 2', 'm v="x" 3'], 3, 'ms', Date.now() - 5000);
    const batch = newBatch();
    spool.read(0, Number.MAX_SAFE_INTEGER, 10, batch);
    spool.deadLetter(batch, 2, 'HTTP 400: field type conflict', Date.now());
    store.close();

    const r = await runCli(['spool', '--config', config, '--dead-letters', '5']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(out).toMatchObject({
      path: join(dir, 'data', 'ioc-edge.db'),
      points: 2,
      deadLettered: 1,
      deadLetters: [{ error: 'HTTP 400: field type conflict', line: 'm v="x" 3' }],
    });
    expect(out.oldestAgeSeconds).toBeGreaterThanOrEqual(5);

    const bad = await runCli(['spool', '--config', config, '--dead-letters', 'many']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--dead-letters must be a whole number');
  });
});
