import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configSchema } from '../../src/config/schema.js';
import { PublishTap } from '../../src/sensors/publish-tap.js';
import { type Mosquitto, startMosquitto } from '../support/mosquitto.js';
import { freePort, portOpen, removeDir, tempDir, waitUntil } from '../support/process.js';
import { QosPublisher, sensorRig, sensorService, startSensorBus } from '../support/sensor-bus.js';
import { spooledLines } from '../support/spool-rows.js';
import { eventually, influxConfig, makeService } from '../support/timeseries.js';
import { makeCerts } from '../support/tls.js';

function publish(topic: string, payload: string, qos: 0 | 1, id = 0, properties?: Buffer): Buffer {
  const t = Buffer.from(topic);
  const body = Buffer.concat([
    Buffer.from([t.length >> 8, t.length & 0xff]),
    t,
    qos === 1 ? Buffer.from([id >> 8, id & 0xff]) : Buffer.alloc(0),
    properties ?? Buffer.alloc(0),
    Buffer.from(payload),
  ]);
  const len: number[] = [];
  let n = body.length;
  do {
    len.push((n & 0x7f) | (n > 0x7f ? 0x80 : 0));
    n >>= 7;
  } while (n > 0);
  return Buffer.concat([Buffer.from([0x30 | (qos << 1), ...len]), body]);
}

const CONNACK = Buffer.from([0x20, 2, 0, 0]);
const PINGRESP = Buffer.from([0xd0, 0]);
const SUBACK = Buffer.from([0x90, 3, 0, 1, 1]);

interface Got {
  topic: string;
  payload: string;
  id: number;
  qos: number;
}

function tapOn(socket: PassThrough, v5: boolean, hold?: (next: () => void) => boolean) {
  const got: Got[] = [];
  const passed: Buffer[] = [];
  const tap = new PublishTap(socket, v5, (topic, payload, id, qos, _dup, next) => {
    got.push({ topic, payload: payload.toString(), id, qos });
    if (!hold?.(next)) next();
  });
  tap.on('data', (b: Buffer) => passed.push(b));
  return { tap, got, passed };
}

describe('PublishTap', () => {
  it('takes PUBLISH packets out of a stream cut at every byte, passing every other packet on in order', async () => {
    const stream = Buffer.concat([
      CONNACK,
      publish('s/a/state', '{"t":1}', 1, 7),
      PINGRESP,
      publish('s/b/state', '2.5', 0),
      SUBACK,
      publish('s/a/state', '{"t":3}', 1, 65535),
    ]);
    const socket = new PassThrough();
    const { got, passed } = tapOn(socket, false);
    for (let i = 0; i < stream.length; i++) socket.write(stream.subarray(i, i + 1));
    await eventually('parsed', () => got.length === 3);
    expect(got).toEqual([
      { topic: 's/a/state', payload: '{"t":1}', id: 7, qos: 1 },
      { topic: 's/b/state', payload: '2.5', id: 0, qos: 0 },
      { topic: 's/a/state', payload: '{"t":3}', id: 65535, qos: 1 },
    ]);
    await eventually('passed on', () => Buffer.concat(passed).length === 11);
    expect(Buffer.concat(passed)).toEqual(Buffer.concat([CONNACK, PINGRESP, SUBACK]));
  });

  it('skips MQTT 5 properties to the payload, and leaves a topic alias or QoS 2 to MQTT.js', async () => {
    // content type "a", user property ("k","v"), message expiry 60 s
    const props = Buffer.from([0, 0x03, 0, 1, 0x61, 0x26, 0, 1, 0x6b, 0, 1, 0x76, 0x02, 0, 0, 0, 60]);
    props[0] = props.length - 1;
    const aliased = publish('s/c/state', '9', 1, 9, Buffer.from([3, 0x23, 0, 1]));
    const qos2 = Buffer.from(publish('s/d/state', '8', 1, 10, Buffer.from([0])));
    qos2[0] = 0x34;
    const socket = new PassThrough();
    const { got, passed } = tapOn(socket, true);
    socket.write(Buffer.concat([publish('s/a/state', '42', 1, 1, props), aliased, qos2]));
    socket.write(publish('s/b/state', '43', 0, 0, Buffer.from([0])));
    await eventually('parsed', () => got.length === 2);
    expect(got.map((g) => g.payload)).toEqual(['42', '43']);
    await eventually('passed on', () => Buffer.concat(passed).length === aliased.length + qos2.length);
    expect(Buffer.concat(passed)).toEqual(Buffer.concat([aliased, qos2]));
  });

  it('reads nothing more until the handler lets it, and gathers a packet larger than a chunk', async () => {
    const socket = new PassThrough();
    let held: (() => void) | undefined;
    const { got } = tapOn(socket, false, (next) => {
      if (got.length !== 1) return false;
      held = next;
      return true;
    });
    const big = 'x'.repeat(300_000);
    const bytes = Buffer.concat([
      publish('s/a', '1', 1, 1),
      publish('s/a', big, 1, 2),
      publish('s/a', '3', 1, 3),
    ]);
    for (let i = 0; i < bytes.length; i += 16_384) socket.write(bytes.subarray(i, i + 16_384));
    await eventually('first', () => got.length === 1);
    await new Promise((r) => setTimeout(r, 50));
    expect(got.length).toBe(1);
    held!();
    await eventually('the rest', () => got.length === 3);
    expect(got.map((g) => g.payload.length)).toEqual([1, 300_000, 1]);
  });

  it('a malformed remaining length closes the connection with an error', async () => {
    const socket = new PassThrough();
    const { tap } = tapOn(socket, false);
    const closed = new Promise<Error | undefined>((resolve) => {
      tap.on('error', resolve);
      tap.on('close', () => resolve(undefined));
    });
    socket.write(Buffer.from([0x30, 0xff, 0xff, 0xff, 0xff, 0x01]));
    expect((await closed)?.message).toMatch(/remaining length/);
  });
});

describe('readings through the tap from Mosquitto', () => {
  let bus: Mosquitto;
  beforeAll(async () => {
    bus = await startSensorBus();
  }, 60_000);
  afterAll(async () => {
    await bus?.stop();
  });

  it('MQTT 5 messages with properties, QoS 0 and 1, and a payload over the limit are read right', async () => {
    const rig = sensorRig(
      {
        broker: bus.url,
        clientId: 'tap-gateway',
        devices: [{ id: 'lvl-01', type: 'water_level', topic: 'sensors/lvl-01/level', decoder: 'number' }],
      },
      'sensor-tap',
    );
    const { gateway, ts, store } = rig;
    const pub = new QosPublisher(bus.url, 'tap-publisher');
    try {
      await rig.start();
      await pub.connect();
      await eventually('subscribed', async () => {
        await pub.run(0, 1, () => ['sensors/lvl-01/level', '1']);
        return gateway.ingest.messages > 0;
      });
      const before = gateway.ingest.readings;
      await pub.client.publishAsync('sensors/lvl-01/level', '2.5', {
        qos: 1,
        properties: {
          userProperties: { site: 'north', unit: 'm' },
          contentType: 'text/plain',
          messageExpiryInterval: 3600,
          payloadFormatIndicator: true,
          responseTopic: 'r/t',
          correlationData: Buffer.from([1, 2, 3]),
        },
      });
      await pub.client.publishAsync('sensors/lvl-01/level', '3.5', { qos: 0 });
      await pub.client.publishAsync('sensors/lvl-01/level', '7'.repeat(200_000), { qos: 1 });
      await pub.client.publishAsync('sensors/lvl-01/level', '4.5', { qos: 1 });
      const values = () => spooledLines(store.db, 'sensor,').map((l) => / \w+=([\d.]+) /.exec(l)?.[1]);
      // The last value itself, as below: a late probe can make up a count of readings since `before`.
      await eventually('read', async () => {
        await ts.flush();
        return values().at(-1) === '4.5' && gateway.ingest.rejected === 1;
      });
      expect(gateway.ingest.readings - before).toBeGreaterThanOrEqual(3);
      expect(values().slice(-3)).toEqual(['2.5', '3.5', '4.5']);
      expect(gateway.ingest.lastReject?.reason).toBe('too_large');
      expect(gateway.ingest.lastReject?.detail).toBe('200000 bytes, limit 65536');
    } finally {
      await pub.end();
      await rig.stop();
    }
  }, 60_000);
});

describe('readings through the tap over TLS and WebSockets', () => {
  it('mqtts:// and ws:// connections carry readings (and a payload spanning many records) as mqtt:// does', async () => {
    const dir = tempDir('sensor-tap-transports');
    const certs = makeCerts(dir);
    const wsPort = await freePort();
    const bus = await startMosquitto({
      tls: { ca: certs.ca, cert: certs.serverCert, key: certs.serverKey },
      extra: [`listener ${wsPort} 127.0.0.1`, 'protocol websockets'],
    });
    const { service: ts, store } = makeService(dir, influxConfig());
    const gateways = [
      { broker: bus.url, tls: { ca: certs.ca }, clientId: 'tap-tls' },
      { broker: `ws://127.0.0.1:${wsPort}`, clientId: 'tap-ws' },
    ].map((s, k) =>
      sensorService(
        configSchema.parse({
          node: { id: 'n1', site: 's1' },
          mqtt: { broker: { embedded: false } },
          sensors: {
            ...s,
            devices: [
              { id: `lvl-0${k}`, type: 'water_level', topic: `sensors/lvl-0${k}/level`, decoder: 'number' },
            ],
          },
        }),
        ts,
        store,
      ),
    );
    const pub = new QosPublisher(`ws://127.0.0.1:${wsPort}`, 'tap-transports-publisher');
    try {
      await ts.start();
      for (const g of gateways) await g.start();
      // Mosquitto opens its extra (WebSockets) listener after the one startMosquitto waits for.
      await waitUntil('the WebSockets listener', () => portOpen(wsPort));
      await pub.connect();
      await eventually('both subscribed', async () => {
        await pub.run(0, 1, () => ['sensors/lvl-00/level', '0']);
        await pub.run(0, 1, () => ['sensors/lvl-01/level', '0']);
        return gateways.every((g) => g.ingest.messages > 0);
      });
      const before = gateways.map((g) => g.ingest.readings);
      for (const k of [0, 1]) {
        await pub.run(0, 500, (i) => [`sensors/lvl-0${k}/level`, String(i + 1)]);
        await pub.client.publishAsync(`sensors/lvl-0${k}/level`, '9'.repeat(100_000), { qos: 1 });
        await pub.run(500, 600, (i) => [`sensors/lvl-0${k}/level`, String(i + 1)]);
      }
      const values = (k: number) =>
        spooledLines(store.db, `device=lvl-0${k},`).map((l) => Number(/ \w+=([\d.]+) /.exec(l)?.[1]));
      // Waits for the last value itself: a count of readings since `before` can be reached early, when
      // a probe of the subscription wait was still on its way as `before` was taken.
      await eventually('read', async () => {
        await ts.flush();
        return [0, 1].every((k) => values(k).at(-1) === 600 && gateways[k]!.ingest.rejected === 1);
      });
      for (const [k, g] of gateways.entries()) {
        expect(g.ingest.readings - before[k]!).toBeGreaterThanOrEqual(600);
        expect(g.ingest.lastReject?.detail).toBe('100000 bytes, limit 65536');
        expect(values(k).slice(-600)).toEqual(Array.from({ length: 600 }, (_, i) => i + 1));
      }
    } finally {
      await pub.end();
      for (const g of gateways) await g.stop();
      await ts.stop();
      store.close();
      await bus.stop();
      removeDir(dir);
    }
  }, 90_000);
});
