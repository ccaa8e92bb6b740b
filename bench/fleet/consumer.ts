// The IOC side of the fleet bench: one client subscribed to `ioc/+/+/#` (QoS 1, persistent session) and to
// the broker's $SYS counters; it keeps what the bench measures and hands it over on request (Node IPC).
import mqtt from 'mqtt';
import type { ConsumerSummary, FromConsumer, ToConsumer } from './protocol.js';

const url = process.env.FLEET_BROKER ?? '';
const send = (m: FromConsumer) => process.send?.(m);
const s: ConsumerSummary = {
  byKind: {},
  perSecond: [],
  startedMs: Date.now(),
  alerts: [],
  heartbeats: {},
  online: {},
  sys: [],
  invalid: 0,
};
const sysNow: Record<string, number> = {};
let messages = 0;
let alertMessages = 0;

const client = mqtt.connect(url, {
  clientId: 'ioc-fleet-consumer',
  clean: false,
  protocolVersion: 4,
  reconnectPeriod: 500,
  connectTimeout: 5000,
});
let subscribed = false;
client.on('connect', (ack) => {
  if (subscribed && ack.sessionPresent) return;
  client.subscribe(
    { 'ioc/+/+/#': { qos: 1 }, '$SYS/broker/publish/#': { qos: 0 }, '$SYS/broker/bytes/#': { qos: 0 } },
    (err) => {
      if (err) throw err;
      if (!subscribed) send({ type: 'ready' });
      subscribed = true;
    },
  );
});
client.on('error', () => {});

client.on('message', (topic, payload, packet) => {
  const now = Date.now();
  if (topic.startsWith('$SYS/')) {
    const v = Number(payload.toString());
    if (Number.isFinite(v)) sysNow[topic.slice(5)] = v;
    return;
  }
  if (packet.retain) return; // a stored status or health sent on (re)subscribing, not traffic of the run
  const parts = topic.split('/');
  const node = parts[2] ?? '?';
  const kind = parts[3] ?? '?';
  messages++;
  const sec = Math.floor((now - s.startedMs) / 1000);
  s.perSecond[sec] = (s.perSecond[sec] ?? 0) + 1;
  const k = s.byKind[kind] ?? { messages: 0, bytes: 0 };
  s.byKind[kind] = k;
  k.messages++;
  k.bytes += payload.length;
  try {
    if (kind === 'alerts') {
      const a = JSON.parse(payload.toString()) as {
        id: string;
        seq: number;
        state: string;
        node: string;
        startedAt: string;
        updatedAt: string;
      };
      alertMessages++;
      s.alerts.push({
        id: a.id,
        seq: a.seq,
        state: a.state,
        node: a.node,
        raisedMs: Date.parse(a.state === 'new' ? a.startedAt : a.updatedAt),
        receivedMs: now,
      });
    } else if (kind === 'health') {
      JSON.parse(payload.toString());
      push(s.heartbeats, node, now);
    } else if (kind === 'status') {
      if (payload.toString() === 'online') push(s.online, node, now);
    } else if (kind === 'telemetry') {
      JSON.parse(payload.toString());
    }
  } catch {
    s.invalid++;
  }
});

function push(m: Record<string, number[]>, node: string, t: number): void {
  const l = m[node] ?? [];
  l.push(t);
  m[node] = l;
}

const sampler = setInterval(() => s.sys.push([Date.now(), { ...sysNow }]), 5000);
const progress = setInterval(() => send({ type: 'progress', messages, alertMessages }), 1000);

process.on('message', (m: ToConsumer) => {
  if (m.cmd === 'summary') {
    for (let i = 0; i < s.perSecond.length; i++) s.perSecond[i] ??= 0;
    send({ type: 'summary', summary: s });
  } else {
    clearInterval(sampler);
    clearInterval(progress);
    client.end(true, {}, () => process.disconnect());
  }
});
