import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startVictoriaMetrics, type VictoriaMetrics } from './victoria-metrics.js';

describe('VictoriaMetrics helper', () => {
  let vm: VictoriaMetrics;
  beforeAll(async () => {
    vm = await startVictoriaMetrics();
  });
  afterAll(async () => {
    await vm?.stop();
  });

  it('accepts line protocol on /write and exports it', async () => {
    const now = Date.now();
    const res = await fetch(`${vm.url}/write?precision=ms`, {
      method: 'POST',
      body: `m,k=v f=2.5 ${now}\n`,
    });
    expect(res.status).toBe(204);
    const lines = await vm.exportWhen('{__name__="m_f"}', 1);
    expect(lines).toHaveLength(1);
    expect(lines[0]!.metric).toMatchObject({ __name__: 'm_f', k: 'v' });
    expect(lines[0]!.values).toEqual([2.5]);
    expect(lines[0]!.timestamps).toEqual([now]);
  });
});
