/**
 * One benchmark publisher (a child process of bench/sensors.ts): `count` QoS 1 PUBLISH packets to
 * `topic`, `window` unacknowledged at most, written straight on a TCP socket as MQTT 3.1.1 (a few
 * hundred packets per write), so the publishers cost little CPU next to what is measured. Payload per
 * format:
 * - ours:    {"pm2_5":..,"pm10":..,"env":{"temp":..},"ts":<ms>}   (the gateway's json decoder maps it)
 * - nodered: [{"measurement":"sensor","tags":{"device":..},"fields":{..},"timestamp":<ms>}]
 *            (what node-red-contrib-influxdb's batch node takes after a json node)
 * Timestamps are base + i ms: every message is its own point. Starts sending at the wall-clock time
 * `startAt` (ms). Prints {"acked":n,"ms":t} when done.
 */
import { connect } from 'node:net';

const [url = '', topic = '', device = '', countArg, windowArg, format, baseArg, startAtArg] =
  process.argv.slice(2);
const count = Number(countArg);
const window = Number(windowArg);
const base = Number(baseArg);

function payload(i: number): string {
  const pm = (i % 500) / 2;
  const ts = base + i;
  if (format === 'nodered')
    return `[{"measurement":"sensor","tags":{"device":"${device}"},"fields":{"pm25":${pm},"pm10":${pm + 7},"temperature":${25 + (i % 10)}},"timestamp":${ts}}]`;
  return `{"pm2_5":${pm},"pm10":${pm + 7},"env":{"temp":${25 + (i % 10)}},"ts":${ts}}`;
}

function varint(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n % 128;
    n = Math.floor(n / 128);
    if (n > 0) b |= 0x80;
    out.push(b);
  } while (n > 0);
  return out;
}

function str(s: string): Buffer {
  const b = Buffer.from(s);
  return Buffer.concat([Buffer.from([b.length >> 8, b.length & 0xff]), b]);
}

function connectPacket(clientId: string): Buffer {
  const body = Buffer.concat([str('MQTT'), Buffer.from([4, 0x02, 0, 60]), str(clientId)]);
  return Buffer.concat([Buffer.from([0x10, ...varint(body.length)]), body]);
}

const topicBytes = str(topic);
function publishPacket(i: number, id: number): Buffer<ArrayBufferLike> {
  const p = Buffer.from(payload(i));
  const len = topicBytes.length + 2 + p.length;
  return Buffer.concat([
    Buffer.from([0x32, ...varint(len)]),
    topicBytes,
    Buffer.from([id >> 8, id & 0xff]),
    p,
  ]);
}

const u = new URL(url);
const socket = connect(Number(u.port), u.hostname);
socket.setNoDelay(true);
await new Promise<void>((resolve, reject) => {
  socket.once('connect', resolve);
  socket.once('error', reject);
});
socket.write(connectPacket(`bench-pub-${device}-${format}`));

let next = 0;
let acked = 0;
let connacked = false;
// Every publisher starts at the same wall-clock moment, after its process start-up and CONNACK.
let started = false;
setTimeout(
  () => {
    started = true;
    if (connacked) pump();
  },
  Math.max(0, Number(startAtArg ?? 0) - Date.now()),
);
const t0 = Math.max(performance.now(), performance.now() + Number(startAtArg ?? 0) - Date.now());
const done = new Promise<void>((resolve, reject) => {
  let buf: Buffer = Buffer.alloc(0);
  socket.on('error', reject);
  socket.on('close', () =>
    acked < count ? reject(new Error(`connection closed after ${acked} acks`)) : resolve(),
  );
  socket.on('data', (chunk: Buffer) => {
    buf = buf.length ? Buffer.concat([buf, chunk]) : chunk;
    let i = 0;
    while (i + 2 <= buf.length) {
      let len = 0;
      let mult = 1;
      let j = i + 1;
      let complete = false;
      while (j < buf.length) {
        const b = buf[j++]!;
        len += (b & 0x7f) * mult;
        mult *= 128;
        if ((b & 0x80) === 0) {
          complete = true;
          break;
        }
      }
      if (!complete || j + len > buf.length) break;
      const type = buf[i]! >> 4;
      if (type === 2) connacked = true;
      else if (type === 4) acked++;
      i = j + len;
    }
    buf = buf.subarray(i);
    if (acked === count) {
      resolve();
      return;
    }
    if (connacked && started) pump();
  });
});

function pump(): void {
  const parts: Buffer<ArrayBufferLike>[] = [];
  while (next < count && next - acked < window && parts.length < 500) {
    parts.push(publishPacket(next, (next % 65535) + 1));
    next++;
  }
  if (parts.length > 0) socket.write(Buffer.concat(parts));
}

await done;
const ms = performance.now() - t0;
socket.end(Buffer.from([0xe0, 0]));
process.stdout.write(`${JSON.stringify({ acked, ms: Math.round(ms) })}\n`);
