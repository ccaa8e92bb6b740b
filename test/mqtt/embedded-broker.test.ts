import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configSchema } from '../../src/config/schema.js';
import { EmbeddedBroker } from '../../src/mqtt/embedded-broker.js';
import { eventually, quietLogger } from '../support/timeseries.js';

const cfg = configSchema.parse({
  node: { id: 'n1', site: 's1' },
  mqtt: {
    broker: {
      port: 0,
      users: [
        { username: 'aq', password: 'aq-pass', devices: ['aq-01'] },
        { username: 'ops', password: 'ops-pass', role: 'gateway' },
      ],
      maxPacketSize: '64KB',
      maxRetained: 2,
      maxRetainedSize: '1KB',
      maxPublishRate: 50,
      maxClients: 8,
    },
  },
  sensors: {
    devices: [
      { id: 'aq-01', type: 'air_quality', topic: 'sensors/aq-01/state' },
      { id: 'lvl-01', type: 'water_level', topic: 'sensors/+/level', decoder: 'number' },
    ],
  },
});

let broker: EmbeddedBroker;
let url: string;
let watcher: MqttClient;
const seen: string[] = [];
const open: MqttClient[] = [];

beforeAll(async () => {
  broker = new EmbeddedBroker(cfg.mqtt.broker, cfg.sensors, quietLogger());
  await broker.start();
  url = `mqtt://127.0.0.1:${broker.address.port}`;
  watcher = await mqtt.connectAsync(url, { ...broker.gatewayCredentials, clientId: 'watcher' });
  watcher.on('message', (t, p) => seen.push(`${t} ${p.toString().slice(0, 20)}`));
  await watcher.subscribeAsync('#');
});

afterAll(async () => {
  for (const c of open) c.end(true);
  await watcher?.endAsync();
  await broker?.stop();
});

/** Connects without retrying; resolves with the client or the connect error. */
function connect(opts: mqtt.IClientOptions = {}): Promise<MqttClient | Error> {
  return new Promise((resolve) => {
    const c = mqtt.connect(url, { reconnectPeriod: 0, connectTimeout: 5000, ...opts });
    open.push(c);
    c.once('connect', () => resolve(c));
    c.once('error', (err) => resolve(err));
    c.once('close', () => resolve(new Error('closed')));
  });
}

const closed = (c: MqttClient) => new Promise<void>((r) => (c.connected ? c.once('close', () => r()) : r()));

describe('embedded broker: the door', () => {
  it('listens on 127.0.0.1 by default', () => {
    expect(broker.address.host).toBe('127.0.0.1');
  });

  it('refuses a wrong password and unknown users', async () => {
    expect(String(await connect({ username: 'aq', password: 'nope' }))).toMatch(/Bad username or password/);
    expect(String(await connect({ username: 'eve', password: 'x' }))).toMatch(/Bad username or password/);
    expect(broker.refused.auth).toBe(2);
  });

  it('a sensor publishes under its own topic only and may not subscribe', async () => {
    const aq = (await connect({ username: 'aq', password: 'aq-pass' })) as MqttClient;
    expect(aq.connected).toBe(true);
    await aq.publishAsync('sensors/aq-01/state', '{"pm25":12}', { qos: 1 });
    await eventually('delivered', () => seen.includes('sensors/aq-01/state {"pm25":12}'));
    await expect(aq.subscribeAsync('#')).rejects.toThrow(/Subscribe error/);
    expect(broker.refused.subscribe).toBe(1);
    // Another device's topic: refused, and the connection is closed.
    aq.publish('sensors/lvl-01/level', '1.5', { qos: 1 });
    await closed(aq);
    expect(seen.some((s) => s.startsWith('sensors/lvl-01/level'))).toBe(false);
  });

  it('an anonymous local client is a sensor: its device topics yes, the uplink command topic no', async () => {
    const anon = (await connect()) as MqttClient;
    await anon.publishAsync('sensors/lvl-01/level', '2.5', { qos: 1 });
    await eventually('delivered', () => seen.includes('sensors/lvl-01/level 2.5'));
    anon.publish('ioc/s1/n1/commands', '{"cmd":"reboot"}', { qos: 1 });
    await closed(anon);
    expect(seen.some((s) => s.startsWith('ioc/'))).toBe(false);
    expect(broker.refused.publish).toBeGreaterThanOrEqual(2);
  });

  it('only the gateway publishes gateway topics', async () => {
    const ops = (await connect({ username: 'ops', password: 'ops-pass' })) as MqttClient;
    await ops.publishAsync('ioc/s1/n1/commands', 'ok', { qos: 1 });
    await eventually('delivered', () => seen.includes('ioc/s1/n1/commands ok'));
    await ops.endAsync();
  });

  it('closes a connection whose packet is over the size limit before buffering it', async () => {
    const ops = (await connect({ username: 'ops', password: 'ops-pass' })) as MqttClient;
    const before = process.memoryUsage().rss;
    for (let i = 0; i < 3; i++)
      ops.publish(`big/${i}`, Buffer.alloc(50 * 1024 * 1024, 1), { qos: 0, retain: true });
    await closed(ops);
    expect(broker.refused.tooLarge).toBeGreaterThanOrEqual(1);
    expect(broker.retained.count).toBe(0);
    expect(seen.some((s) => s.startsWith('big/'))).toBe(false);
    // The test process made the 150 MB itself; the broker kept none of it.
    expect(process.memoryUsage().rss - before).toBeLessThan(400 * 1024 * 1024);
  });

  it('keeps at most maxRetained retained messages of at most maxRetainedSize', async () => {
    const ops = (await connect({ username: 'ops', password: 'ops-pass' })) as MqttClient;
    for (const t of ['r/1', 'r/2', 'r/3']) await ops.publishAsync(t, 'v', { qos: 1, retain: true });
    await ops.publishAsync('r/big', 'x'.repeat(2000), { qos: 1, retain: true });
    expect(broker.retained.count).toBe(2);
    expect(broker.retained.refused).toBe(2);
    const late = (await connect({ username: 'ops', password: 'ops-pass' })) as MqttClient;
    const retained: string[] = [];
    late.on('message', (t, _p, packet) => packet.retain && retained.push(t));
    await late.subscribeAsync('r/#');
    await new Promise((r) => setTimeout(r, 300));
    expect(retained.sort()).toEqual(['r/1', 'r/2']);
    await ops.endAsync();
    await late.endAsync();
  });

  it('disconnects a sensor publishing faster than maxPublishRate', async () => {
    const aq = (await connect({ username: 'aq', password: 'aq-pass' })) as MqttClient;
    for (let i = 0; i < 200; i++) aq.publish('sensors/aq-01/state', String(i), { qos: 0 });
    await closed(aq);
    expect(broker.refused.rate).toBeGreaterThanOrEqual(1);
  });

  it('refuses clients past maxClients', async () => {
    const clients: MqttClient[] = [];
    let refused: Error | undefined;
    for (let i = 0; i < 10 && !refused; i++) {
      const c = await connect({ username: 'ops', password: 'ops-pass' });
      if (c instanceof Error) refused = c;
      else clients.push(c);
    }
    expect(refused).toBeDefined();
    expect(broker.refused.clients).toBeGreaterThanOrEqual(1);
    expect(clients.length + 1).toBeLessThanOrEqual(8);
    for (const c of clients) await c.endAsync();
  });

  it('with anonymous: none, a client without credentials is refused', async () => {
    const strict = new EmbeddedBroker({ ...cfg.mqtt.broker, anonymous: 'none' }, cfg.sensors, quietLogger());
    await strict.start();
    try {
      const err = await new Promise<unknown>((resolve) => {
        const c = mqtt.connect(`mqtt://127.0.0.1:${strict.address.port}`, { reconnectPeriod: 0 });
        c.once('error', resolve);
        c.once('connect', () => resolve(c.end(true)));
      });
      expect(String(err)).toMatch(/Not authorized/);
    } finally {
      await strict.stop();
    }
  });
});
