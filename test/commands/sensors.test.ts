import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { RejectedStore } from '../../src/sensors/rejected-store.js';
import { Store } from '../../src/store/store.js';
import { runCli } from '../support/cli.js';
import { removeDir, tempDir } from '../support/process.js';

const dir = tempDir('sensors-cli');
afterAll(() => removeDir(dir));

describe('ioc-edge sensors', () => {
  it('lists the devices, and with --rejected the newest rejected messages', async () => {
    const config = join(dir, 'gw.yaml');
    writeFileSync(
      config,
      `node: { id: n1, site: s1 }\ndataDir: ${dir}/data\nsensors:\n  devices:\n    - { id: aq-01, type: air_quality, topic: sensors/aq-01/state }\n`,
    );
    const store = new Store(join(dir, 'data', 'ioc-edge.db'));
    const rejected = new RejectedStore(store, 100);
    for (const [i, reason] of (['invalid_json', 'not_a_number', 'too_deep'] as const).entries())
      rejected.add({
        at: 1714550000000 + i,
        topic: 'sensors/aq-01/state',
        device: 'aq-01',
        reason,
        detail: `detail ${i}`,
        payload: '{"pm2_5":',
        encoding: 'utf8',
        bytes: 9,
      });
    store.db.transaction(() => rejected.inTransaction())();
    rejected.committed();
    store.close();

    const list = await runCli(['sensors', '--config', config]);
    expect(list.code).toBe(0);
    expect(JSON.parse(list.stdout)).toMatchObject({
      devices: [{ id: 'aq-01', type: 'air_quality', topic: 'sensors/aq-01/state', decoder: 'json' }],
    });

    const r = await runCli(['sensors', '--config', config, '--rejected', '-n', '2']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).rejected).toEqual([
      expect.objectContaining({
        at: '2024-05-01T07:53:20.002Z',
        reason: 'too_deep',
        detail: 'detail 2',
        topic: 'sensors/aq-01/state',
      }),
      expect.objectContaining({ reason: 'not_a_number', payload: '{"pm2_5":', encoding: 'utf8', bytes: 9 }),
    ]);
    const bad = await runCli(['sensors', '--config', config, '--rejected', '-n', 'all']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--limit must be a whole number');
  });
});
