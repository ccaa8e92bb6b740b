import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Mosquitto, startMosquitto } from './mosquitto.js';

describe('Mosquitto test helper (real broker)', () => {
  let broker: Mosquitto;
  let secured: Mosquitto;
  beforeAll(async () => {
    // One after the other: if the second fails to start, the first is already assigned and gets stopped.
    broker = await startMosquitto();
    secured = await startMosquitto({ users: { edge: 'edge-pw' } });
  });
  afterAll(async () => {
    await Promise.all([broker?.stop(), secured?.stop()]);
  });

  it('publishes and subscribes on a free loopback port', async () => {
    expect(broker.url).toMatch(/^mqtt:\/\/127\.0\.0\.1:\d+$/);
    const sub = await mqtt.connectAsync(broker.url);
    const pub = await mqtt.connectAsync(broker.url);
    const got = new Promise<[string, string]>((resolve) =>
      sub.on('message', (topic, payload) => resolve([topic, payload.toString()])),
    );
    await sub.subscribeAsync('ioc/+/alerts', { qos: 1 });
    await pub.publishAsync('ioc/edge-01/alerts', 'wrong-way cam1', { qos: 1 });
    expect(await got).toEqual(['ioc/edge-01/alerts', 'wrong-way cam1']);
    await Promise.all([sub.endAsync(), pub.endAsync()]);
  });

  it('refuses bad credentials and accepts good ones when users are configured', async () => {
    await expect(
      mqtt.connectAsync(secured.url, { username: 'edge', password: 'nope', reconnectPeriod: 0 }),
    ).rejects.toThrow(/Not authorized|Bad username or password/i);
    const ok = await mqtt.connectAsync(secured.url, {
      username: 'edge',
      password: 'edge-pw',
      reconnectPeriod: 0,
    });
    expect(ok.connected).toBe(true);
    await ok.endAsync();
  });

  it('restarts on the same port after a pause (for outage tests)', async () => {
    await broker.pause();
    expect(broker.server.child.exitCode !== null || broker.server.child.signalCode !== null).toBe(true);
    await broker.restart();
    const c = await mqtt.connectAsync(broker.url, { reconnectPeriod: 0 });
    expect(c.connected).toBe(true);
    await c.endAsync();
  });
});
