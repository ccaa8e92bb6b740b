import mqtt from 'mqtt';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { parseConfigText } from '../../src/config/load.js';
import { EmbeddedBroker } from '../../src/mqtt/embedded-broker.js';
import { MqttLink } from '../../src/uplink/mqtt-link.js';
import { Topics } from '../../src/uplink/topics.js';
import { waitUntil } from '../support/process.js';

const log = pino({ level: 'silent' });

describe('MQTT link', () => {
  it('falls back to MQTT 3.1.1 when the broker refuses MQTT 5 (the embedded broker), and says online', async () => {
    const box = parseConfigText(
      'node: { id: demo-01, site: demo }\nmqtt: { broker: { port: 0 } }\n',
      '/x.yaml',
    );
    const broker = new EmbeddedBroker(box.mqtt.broker, box.sensors, log);
    await broker.start();
    const url = `mqtt://127.0.0.1:${broker.address.port}`;
    const login = broker.gatewayCredentials;
    const watcher = await mqtt.connectAsync(url, { reconnectPeriod: 0, protocolVersion: 4, ...login });
    const statuses: string[] = [];
    watcher.on('message', (_t, p) => statuses.push(p.toString()));
    await watcher.subscribeAsync('ioc/demo/demo-01/status', { qos: 1 });
    const cfg = parseConfigText(
      `node: { id: demo-01, site: demo }\nuplink: { mqtt: { url: "${url}" } }\n`,
      '/x.yaml',
    );
    expect(cfg.uplink.mqtt!.protocolVersion).toBe(5);
    const link = new MqttLink({
      cfg: { ...cfg.uplink.mqtt!, ...login },
      topics: new Topics('ioc/demo/demo-01'),
      clientId: 'ioc-edge-demo-demo-01',
      log,
      backoffInitialMs: 50,
      backoffMaxMs: 100,
    });
    try {
      link.start();
      await waitUntil('connected with 3.1.1', async () => link.connected);
      await waitUntil('online', async () => statuses.includes('online'));
      expect(link.authenticated).toBe(false); // plain mqtt://: no remote commands
    } finally {
      await link.stop();
      await waitUntil('offline on stop', async () => statuses.at(-1) === 'offline');
      await watcher.endAsync();
      await broker.stop();
    }
  });
});
