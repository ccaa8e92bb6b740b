import type { Duplex } from 'node:stream';
import type { CommitParticipant, SpoolSink } from '../timeseries/spool-sink.js';

/** PUBACKs held before MQTT.js is made to wait (back-pressure): ~16 KB of acknowledgements. */
const MAX_HELD = 4096;
const PUBACK_BYTES = 4;

/**
 * Holds MQTT acknowledgements until what they acknowledge is durable, without holding up the reading
 * of further messages.
 *
 * MQTT.js handles one inbound packet at a time and reads the next one when `handleMessage` calls back.
 * Calling back only after the spool commit (≤ 10 ms later) would allow one message per commit. Instead,
 * `handleMessage` adds the reading to the spool's pending batch, hands its packet id to `ack()` and lets
 * MQTT.js read on at once (telling it not to answer: the PUBACK is this gate's). The gate appends the
 * 4-byte PUBACK (`40 02 id id`, valid in MQTT 3.1.1 and 5: success, no properties) to its own buffer, in
 * the order the messages came. When the batch commits, `committed()` (called synchronously at the end of
 * the commit, before any other callback can run) writes all the PUBACKs of that batch in one write. A
 * crash before the commit loses the batch and its PUBACKs together: the broker still holds those
 * messages and delivers them again. (MQTT.js writing each PUBACK itself, three small writes on a corked
 * socket, cost ~1 µs of CPU per message; one buffer per commit costs next to nothing.)
 *
 * Back-pressure: once MAX_HELD PUBACKs wait, the gate calls MQTT.js back only after they left, so a
 * spool that cannot commit stops intake instead of piling up.
 */
export class AckGate implements CommitParticipant {
  private stream: Duplex | undefined;
  private acks = Buffer.allocUnsafe(MAX_HELD * PUBACK_BYTES);
  private held = 0;
  /** MQTT.js's callbacks held back while MAX_HELD acknowledgements wait (at most one: it reads one at a time). */
  private blocked: (() => void)[] = [];

  /**
   * `afterSync`: release at `synced()` (the WAL fsynced) instead of at each commit: power-cut safe.
   */
  constructor(
    private readonly sink: SpoolSink,
    private readonly afterSync = false,
  ) {
    sink.addParticipant(this);
  }

  /**
   * Acknowledges QoS 1 message `messageId`, whose data was just written to the sink (or its
   * participants), once that is durable. `next` lets MQTT.js handle the next packet: called at once,
   * or once the held acknowledgements left when MAX_HELD of them wait.
   */
  ack(stream: Duplex | undefined, messageId: number, next: () => void): void {
    // No connection: the broker delivers the message again on the next one.
    if (!stream || stream.destroyed) {
      next();
      return;
    }
    if (stream !== this.stream) {
      // Acknowledgements for a connection that is gone are dropped: its messages come again.
      this.held = 0;
      this.stream = stream;
      this.unblock();
    }
    if (this.held === 0 && !this.afterSync && !this.sink.hasUncommitted()) {
      // Nothing waits for a commit (the message stored nothing): acknowledge now.
      stream.write(puback(Buffer.allocUnsafe(PUBACK_BYTES), 0, messageId));
      next();
      return;
    }
    puback(this.acks, this.held++ * PUBACK_BYTES, messageId);
    // A participant's rows (a dead letter) without any point still need a commit to release the ack.
    if (!this.afterSync) this.sink.requestCommit();
    if (this.held >= MAX_HELD) this.blocked.push(next);
    else next();
  }

  /** Acknowledgements held now. */
  get holding(): number {
    return this.held;
  }

  hasPending(): boolean {
    return false;
  }

  inTransaction(): void {}

  committed(): void {
    if (!this.afterSync) this.release();
  }

  /** The spool's WAL was synced after a commit of everything pending: release every held ack. */
  synced(): void {
    this.release();
  }

  private release(): void {
    if (this.held > 0) {
      const s = this.stream;
      // A copy: the socket may keep the chunk until it is flushed, this buffer is reused.
      if (s && !s.destroyed) s.write(Buffer.from(this.acks.subarray(0, this.held * PUBACK_BYTES)));
      this.held = 0;
    }
    this.unblock();
  }

  private unblock(): void {
    if (this.blocked.length === 0) return;
    const blocked = this.blocked;
    this.blocked = [];
    // Not from inside the commit: MQTT.js may go straight on to the next message (and its commit).
    for (const next of blocked) process.nextTick(next);
  }
}

function puback(buf: Buffer, at: number, messageId: number): Buffer {
  buf[at] = 0x40;
  buf[at + 1] = 2;
  buf[at + 2] = messageId >> 8;
  buf[at + 3] = messageId & 0xff;
  return buf;
}
