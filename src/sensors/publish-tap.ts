import { Duplex } from 'node:stream';

/**
 * Handles one PUBLISH read by the tap, synchronously. `next` must be called once the tap may read on:
 * at once, or later (the acknowledgements held are full); the tap stops reading until then.
 */
export type PublishHandler = (
  topic: string,
  payload: Buffer,
  messageId: number,
  qos: 0 | 1,
  dup: boolean,
  next: () => void,
) => void;

/**
 * Messages handled in a row before the tap waits for the next turn of the event loop. libuv reads up to
 * 32 chunks of 64 KiB from a busy socket in one go, so while the broker has a backlog for us ~25,000
 * messages would be handled before anything else ran: not the commit timer, not the time-series drain's
 * I/O, not the API. 1,024 messages are a few ms of work: the commit timer (10 ms) still gathers ~1,000
 * readings per commit.
 */
export const MESSAGES_PER_TURN = 1024;

const EMPTY = Buffer.alloc(0);
/** A partial packet at least this large is gathered chunk by chunk (one copy) rather than re-copied per chunk. */
const GATHER_FROM = 64 * 1024;

/** Topics remembered by their bytes, so a known topic costs no string (and no hashing of a new one). */
const TOPIC_CACHE_MAX = 4096;

/**
 * The broker connection as MQTT.js sees it, with the sensor readings taken out on the way. PUBLISH
 * packets of QoS 0 and 1 are parsed here, straight from the socket's chunks, and handed to `onPublish`
 * (topic, payload as a view of the chunk, packet id): no packet object, no copy, no event and no
 * process.nextTick per message, which in a profile were a third of the gateway's CPU per reading. Every
 * other packet (CONNACK, SUBACK, PINGRESP, the PUBACKs of our own publishes, and a PUBLISH this reader
 * does not take: QoS 2, or MQTT 5 with a topic alias or a property it does not know) passes to MQTT.js
 * unchanged and in order, and MQTT.js's writes go to the socket. The acknowledgements of what
 * `onPublish` took are the caller's (AckGate writes them on `socket`).
 */
export class PublishTap extends Duplex {
  private buf: Buffer = EMPTY;
  private pos = 0;
  /** A packet larger than what was buffered: its chunks gathered until `need` bytes are there. */
  private parts: Buffer[] = [];
  private partsBytes = 0;
  private need = 0;
  private waiting = false;
  private stalled = false;
  private inTurn = 0;
  private turnScheduled = false;
  private readonly topics = new Map<number, { bytes: Buffer; topic: string }>();
  private lastTopic: { bytes: Buffer; topic: string } = { bytes: Buffer.alloc(0), topic: '' };

  constructor(
    readonly socket: Duplex,
    private readonly v5: boolean,
    private readonly onPublish: PublishHandler,
  ) {
    super({ allowHalfOpen: false });
    socket.on('data', this.onData);
    socket.on('end', () => this.push(null));
    socket.on('error', (err) => this.destroy(err));
    socket.on('close', () => this.destroy());
  }

  override _read(): void {}

  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (err?: Error | null) => void): void {
    if (this.socket.destroyed) cb(new Error('broker connection closed'));
    else if (this.socket.write(chunk)) cb();
    else this.socket.once('drain', () => cb());
  }

  override _final(cb: (err?: Error | null) => void): void {
    this.socket.end();
    cb();
  }

  override _destroy(err: Error | null, cb: (err?: Error | null) => void): void {
    this.socket.off('data', this.onData);
    this.socket.destroy();
    cb(err);
  }

  private readonly onData = (chunk: Buffer): void => {
    if (this.need > 0) {
      this.parts.push(chunk);
      this.partsBytes += chunk.length;
      if (this.partsBytes < this.need) return;
      this.buf = Buffer.concat(this.parts, this.partsBytes);
      this.parts = [];
      this.partsBytes = 0;
      this.need = 0;
    } else if (this.pos < this.buf.length) this.buf = Buffer.concat([this.buf.subarray(this.pos), chunk]);
    else this.buf = chunk;
    this.pos = 0;
    if (!this.stalled) this.parse();
  };

  /** Continues after a held acknowledgement let the handler go on. */
  private readonly next = (): void => {
    this.waiting = false;
    if (this.stalled && !this.turnScheduled) this.resumeReading();
  };

  private readonly nextTurn = (): void => {
    this.turnScheduled = false;
    this.inTurn = 0;
    if (!this.waiting) this.resumeReading();
  };

  private resumeReading(): void {
    this.stalled = false;
    if (this.destroyed) return;
    this.socket.resume();
    this.parse();
  }

  private stopReading(): void {
    this.stalled = true;
    this.socket.pause();
  }

  /** Handles every whole packet in the buffer; keeps a partial one for the next chunk. */
  private parse(): void {
    const buf = this.buf;
    let pos = this.pos;
    let passFrom = -1;
    while (pos + 2 <= buf.length && !this.destroyed) {
      // Fixed header: type and flags, then the remaining length (1 to 4 bytes, 7 bits each).
      const head = buf[pos]!;
      let len = 0;
      let mul = 1;
      let at = pos + 1;
      let b: number;
      do {
        if (at >= buf.length) break;
        b = buf[at++]!;
        len += (b & 0x7f) * mul;
        mul *= 128;
        if (mul > 128 ** 4) {
          this.destroy(new Error('malformed MQTT packet from the broker: remaining length over 4 bytes'));
          return;
        }
      } while (b & 0x80);
      if ((b! & 0x80) !== 0) break; // partial length
      const end = at + len;
      if (end > buf.length) {
        // A partial packet: a large one is gathered until it is whole.
        if (end - pos >= GATHER_FROM) {
          if (passFrom >= 0) this.push(buf.subarray(passFrom, pos));
          this.parts = [buf.subarray(pos)];
          this.partsBytes = buf.length - pos;
          this.need = end - pos;
          this.buf = EMPTY;
          this.pos = 0;
          return;
        }
        break;
      }
      if (head >> 4 === 3 && passFrom >= 0) {
        // Packets before this PUBLISH go to MQTT.js first (the bytes stay in order).
        this.push(buf.subarray(passFrom, pos));
        passFrom = -1;
      }
      if (head >> 4 === 3 && this.takePublish(head, buf, at, end)) {
        pos = end;
        if (this.waiting || ++this.inTurn >= MESSAGES_PER_TURN) {
          this.pos = pos;
          this.stopReading();
          if (!this.waiting) {
            this.turnScheduled = true;
            setImmediate(this.nextTurn);
          }
          return;
        }
        continue;
      }
      if (passFrom < 0) passFrom = pos;
      pos = end;
    }
    if (passFrom >= 0) this.push(buf.subarray(passFrom, pos));
    this.pos = pos;
    if (pos >= buf.length) {
      this.buf = EMPTY;
      this.pos = 0;
    }
  }

  /**
   * Parses and hands over one PUBLISH in buf[at..end); false: not one to take here (left to MQTT.js).
   * Sets `waiting` until the handler calls next.
   */
  private takePublish(head: number, buf: Buffer, at: number, end: number): boolean {
    const qos = (head >> 1) & 3;
    if (qos > 1 || end - at < 2) return false;
    const topicLen = (buf[at]! << 8) | buf[at + 1]!;
    const topicAt = at + 2;
    let p = topicAt + topicLen;
    let messageId = 0;
    if (qos === 1) {
      if (p + 2 > end) return false;
      messageId = (buf[p]! << 8) | buf[p + 1]!;
      p += 2;
    }
    if (p > end || topicLen === 0) return false;
    if (this.v5) {
      p = skipPublishProperties(buf, p, end);
      if (p < 0) return false;
    }
    const topic = this.topic(buf, topicAt, topicAt + topicLen);
    this.waiting = true;
    try {
      this.onPublish(topic, buf.subarray(p, end), messageId, qos as 0 | 1, (head & 8) !== 0, this.next);
    } catch (err) {
      // A bug, not bad input (handlers refuse that with a reason): reconnect rather than read on unacked.
      this.destroy(err as Error);
    }
    return true;
  }

  private topic(buf: Buffer, from: number, to: number): string {
    const last = this.lastTopic;
    if (sameBytes(last.bytes, buf, from, to)) return last.topic;
    let h = 0x811c9dc5;
    for (let i = from; i < to; i++) h = Math.imul(h ^ buf[i]!, 0x01000193);
    const known = this.topics.get(h);
    if (known && sameBytes(known.bytes, buf, from, to)) {
      this.lastTopic = known;
      return known.topic;
    }
    const entry = { bytes: Buffer.from(buf.subarray(from, to)), topic: buf.toString('utf8', from, to) };
    if (this.topics.size >= TOPIC_CACHE_MAX) this.topics.clear();
    this.topics.set(h, entry);
    this.lastTopic = entry;
    return entry.topic;
  }
}

function sameBytes(a: Buffer, buf: Buffer, from: number, to: number): boolean {
  if (a.length !== to - from) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== buf[from + i]) return false;
  return true;
}

/**
 * Skips the MQTT 5 properties of a PUBLISH at buf[p]: returns where the payload starts, or -1 when the
 * packet carries a topic alias (never advertised by us: MQTT.js refuses it as a protocol error), a
 * property a PUBLISH cannot have, or is malformed.
 */
function skipPublishProperties(buf: Buffer, p: number, end: number): number {
  let len = 0;
  let mul = 1;
  let b: number;
  do {
    if (p >= end || mul > 128 ** 3) return -1;
    b = buf[p++]!;
    len += (b & 0x7f) * mul;
    mul *= 128;
  } while (b & 0x80);
  const stop = p + len;
  if (stop > end) return -1;
  while (p < stop) {
    const id = buf[p++]!;
    switch (id) {
      case 0x01: // payload format indicator
        p += 1;
        break;
      case 0x02: // message expiry interval
        p += 4;
        break;
      case 0x03: // content type
      case 0x08: // response topic
      case 0x09: // correlation data
        if (p + 2 > stop) return -1;
        p += 2 + ((buf[p]! << 8) | buf[p + 1]!);
        break;
      case 0x26: // user property: two strings
        for (let k = 0; k < 2; k++) {
          if (p + 2 > stop) return -1;
          p += 2 + ((buf[p]! << 8) | buf[p + 1]!);
        }
        break;
      case 0x0b: // subscription identifier (variable byte integer)
        while (p < stop && buf[p]! & 0x80) p++;
        p++;
        break;
      default: // 0x23 topic alias, or not a PUBLISH property
        return -1;
    }
  }
  return p === stop ? stop : -1;
}
