import { describe, expect, it } from 'vitest';
import { type Service, ServiceGroup } from '../../src/lifecycle/service.js';

describe('ServiceGroup', () => {
  it('stops in reverse start order and goes on past a stop that throws', async () => {
    const events: string[] = [];
    const errors: string[] = [];
    const svc = (name: string, failStop = false): Service => ({
      name,
      start: async () => {
        events.push(`start ${name}`);
      },
      stop: async () => {
        events.push(`stop ${name}`);
        if (failStop) throw new Error(`${name} broke`);
      },
    });
    const group = new ServiceGroup((name, err) => errors.push(`${name}: ${(err as Error).message}`));
    await group.start(svc('store'));
    await group.start(svc('sink', true));
    await group.start(svc('source'));
    await group.stopAll();
    expect(events).toEqual([
      'start store',
      'start sink',
      'start source',
      'stop source',
      'stop sink',
      'stop store',
    ]);
    expect(errors).toEqual(['sink: sink broke']);
  });

  it('a service whose start failed is not stopped', async () => {
    const stopped: string[] = [];
    const group = new ServiceGroup(() => {});
    await group.start({ name: 'a', start: async () => {}, stop: async () => void stopped.push('a') });
    await expect(
      group.start({
        name: 'b',
        start: async () => {
          throw new Error('no');
        },
        stop: async () => void stopped.push('b'),
      }),
    ).rejects.toThrow('no');
    await group.stopAll();
    expect(stopped).toEqual(['a']);
  });
});
