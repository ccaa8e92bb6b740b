import { readFileSync } from 'node:fs';
import mqtt, { type MqttClient } from 'mqtt';
import type { AlertMessage } from '../../src/alerts/alert.js';
import { type Mosquitto, startMosquitto } from './mosquitto.js';
import { makeCerts, type TestCerts } from './tls.js';
import { validateUplinkMessage } from './uplink-schemas.js';

export const NODE = { id: 'edge-01', site: 'binh-duong' };
export const PREFIX = 'ioc/binh-duong/edge-01';
export const USERS = { 'edge-01': 'Edge-P4ss', ioc: 'Ioc-P4ss', intruder: 'Intruder-P4ss' };

export interface IocBroker {
  broker: Mosquitto;
  certs: TestCerts;
  /** A second, unrelated CA (for pinning tests). */
  otherCa: string;
  stop(): Promise<void>;
}

/**
 * The IOC's broker as a real Mosquitto: TLS only, client certificates required (mTLS), passwords, an ACL
 * (the box may write only under its prefix and read its commands; the IOC may do anything; `intruder` may
 * only read), persistence (queued messages and retained status survive a pause/restart).
 */
export async function startIocBroker(dir: string): Promise<IocBroker> {
  const certs = makeCerts(dir, 'edge-01');
  const other = makeCerts(dir, 'edge-01', 'rogue');
  const acl = [
    'user edge-01',
    `topic write ${PREFIX}/#`,
    `topic read ${PREFIX}/cmd/#`,
    '',
    'user ioc',
    'topic readwrite ioc/#',
    '',
    'user intruder',
    'topic read ioc/#',
    '',
  ].join('\n');
  const broker = await startMosquitto({
    tls: { ca: certs.ca, cert: certs.serverCert, key: certs.serverKey, requireCertificate: true },
    users: USERS,
    acl,
    persistence: true,
  });
  return { broker, certs, otherCa: other.ca, stop: () => broker.stop() };
}

/** The uplink section of a gateway config for this broker (mTLS + password). */
export function uplinkYaml(ioc: IocBroker, extra: string[] = []): string {
  return [
    'uplink:',
    '  mqtt:',
    `    url: ${ioc.broker.url}`,
    `    tls: { ca: ${ioc.certs.ca}, cert: ${ioc.certs.clientCert}, key: ${ioc.certs.clientKey} }`,
    '    username: edge-01',
    '    password: ${IOC_PASS}',
    '    topicPrefix: ioc/{site}/{node}',
    ...extra,
  ].join('\n');
}

export interface Received {
  topic: string;
  payload: Buffer;
  retain: boolean;
  /** Parsed and schema-checked: JSON for JSON topics, the text for status, the bytes for evidence. */
  value: unknown;
}

/**
 * The IOC side: subscribes to everything under the box's prefix with a persistent session and checks every
 * message against docs/schemas as it arrives (`invalid` collects what failed).
 */
export class IocClient {
  readonly received: Received[] = [];
  readonly invalid: string[] = [];
  private constructor(readonly client: MqttClient) {}

  static async connect(
    ioc: IocBroker,
    clientId = 'ioc-test',
    user: keyof typeof USERS = 'ioc',
  ): Promise<IocClient> {
    const client = await mqtt.connectAsync(ioc.broker.url, {
      clientId,
      clean: false,
      protocolVersion: 5,
      properties: { sessionExpiryInterval: 3600 },
      username: user,
      password: USERS[user],
      ca: readFileSync(ioc.certs.ca),
      cert: readFileSync(ioc.certs.clientCert),
      key: readFileSync(ioc.certs.clientKey),
      reconnectPeriod: 200,
    });
    const c = new IocClient(client);
    client.on('message', (topic, payload, packet) => {
      try {
        const value = validateUplinkMessage(PREFIX, topic, payload);
        c.received.push({ topic, payload, retain: packet.retain, value });
      } catch (err) {
        c.invalid.push((err as Error).message);
      }
    });
    await client.subscribeAsync(`${PREFIX}/#`, { qos: 1 });
    return c;
  }

  alerts(): AlertMessage[] {
    return this.received.filter((r) => r.topic === `${PREFIX}/alerts`).map((r) => r.value as AlertMessage);
  }

  evidence(alertId: string): Buffer[] {
    return this.received.filter((r) => r.topic === `${PREFIX}/evidence/${alertId}`).map((r) => r.payload);
  }

  /** The last status text received. */
  status(): string | undefined {
    return this.received.filter((r) => r.topic === `${PREFIX}/status`).at(-1)?.value as string | undefined;
  }

  end(): Promise<void> {
    return this.client.endAsync(true);
  }
}
