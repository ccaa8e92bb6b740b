import { connect, createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { AckGate } from '../../src/sensors/ack-gate.js';
import { Store } from '../../src/store/store.js';
import { prepareDefaultTags } from '../../src/timeseries/line-protocol.js';
import { Spool } from '../../src/timeseries/spool.js';
import { SpoolSink } from '../../src/timeseries/spool-sink.js';
import { eventually } from '../support/timeseries.js';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

/** A loopback TCP connection: the gate writes on `client`, the bytes the "broker" got are in `received()`. */
async function connection() {
  let chunks: Buffer[] = [];
  const server: Server = createServer((s) => s.on('data', (c) => chunks.push(c)));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const client: Socket = connect((server.address() as { port: number }).port, '127.0.0.1');
  await new Promise((r) => client.once('connect', r));
  cleanups.push(() => new Promise((r) => server.close(r)));
  cleanups.push(() => client.destroy());
  return {
    client,
    received: () => {
      chunks = [Buffer.concat(chunks)];
      return chunks[0]!;
    },
  };
}

function gate(afterSync: boolean) {
  const store = new Store(':memory:');
  cleanups.push(() => store.close());
  const sink = new SpoolSink(new Spool(store, 1e9), {
    precision: 'ms',
    defaultTags: prepareDefaultTags({ node: 'n1' }),
    commitIntervalMs: 60_000,
  });
  return { sink, gate: new AckGate(sink, afterSync) };
}

const pubacks = (ids: number[]) => Buffer.from(ids.flatMap((id) => [0x40, 2, id >> 8, id & 0xff]));

describe('AckGate', () => {
  it('writes the PUBACKs of a batch in message order, in one write, only once the batch committed', async () => {
    const { client, received } = await connection();
    const { sink, gate: g } = gate(false);
    let writes = 0;
    const write = client.write.bind(client);
    client.write = ((...args: Parameters<Socket['write']>) => {
      writes++;
      return write(...args);
    }) as Socket['write'];
    const ids = [1, 2, 300, 65535, 7];
    let called = 0;
    for (const id of ids) {
      sink.writeLine(`m v=${id} ${id}`);
      g.ack(client, id, () => called++);
    }
    expect(called).toBe(ids.length); // MQTT.js reads on at once
    expect(g.holding).toBe(ids.length);
    expect(writes).toBe(0);
    sink.commit();
    expect(writes).toBe(1);
    await eventually('the PUBACKs arrived', () => received().length === ids.length * 4);
    expect(received()).toEqual(pubacks(ids));
  });

  it('back-pressure: the 4,096th held acknowledgement holds MQTT.js back until the sync releases them all', async () => {
    const { client, received } = await connection();
    const { sink, gate: g } = gate(true);
    const ids = Array.from({ length: 4100 }, (_, i) => (i % 65535) + 1);
    let called = 0;
    let i = 0;
    // MQTT.js hands over the next message only once the callback for the last one ran.
    const feed = () => {
      while (i < ids.length) {
        let back = false;
        let inside = true;
        const id = ids[i++]!;
        sink.writeLine(`m v=${id} ${id}`);
        g.ack(client, id, () => {
          called++;
          back = true;
          if (!inside) feed();
        });
        inside = false;
        if (!back) return;
      }
    };
    feed();
    expect(called).toBe(4095);
    expect(i).toBe(4096);
    sink.commit(); // committed, not synced: nothing leaves yet
    expect(received()).toHaveLength(0);
    g.synced();
    await eventually('MQTT.js called back, the rest handed over', () => i === ids.length);
    expect(g.holding).toBe(4);
    sink.commit();
    g.synced();
    await eventually('all acknowledged', () => received().length === ids.length * 4);
    expect(received()).toEqual(pubacks(ids));
    expect(called).toBe(ids.length);
  });

  it('acknowledges at once when nothing waits for a commit; drops what it held for a connection that is gone', async () => {
    const a = await connection();
    const b = await connection();
    const { sink, gate: g } = gate(false);
    let called = 0;
    g.ack(a.client, 9, () => called++); // nothing uncommitted (e.g. an unknown device dropped)
    await eventually('acknowledged at once', () => a.received().length === 4);
    expect(a.received()).toEqual(pubacks([9]));
    sink.writeLine('m v=1 1');
    g.ack(a.client, 10, () => called++);
    // Reconnected before the commit: the broker delivers message 10 again on the new connection.
    sink.writeLine('m v=2 2');
    g.ack(b.client, 11, () => called++);
    sink.commit();
    await eventually('the new connection’s PUBACK', () => b.received().length === 4);
    expect(b.received()).toEqual(pubacks([11]));
    expect(a.received()).toEqual(pubacks([9]));
    expect(called).toBe(3);
  });
});
