import type { Duplex } from 'node:stream';
import type { CommitParticipant, SpoolSink } from '../timeseries/spool-sink.js';

/**
 * Holds MQTT acknowledgements until what they acknowledge is durable, without holding up the reading
 * of further messages.
 *
 * MQTT.js handles one inbound packet at a time and sends a QoS 1 PUBACK when `handleMessage` calls back;
 * the next packet is handled only after that. Calling back only after the spool commit (≤ 10 ms later)
 * would allow one message per commit. Instead, `handleMessage` adds the reading to the spool's pending
 * batch and calls back at once, while the connection's socket is corked: the PUBACK bytes wait in the
 * socket's user-space buffer and nothing reaches the broker. When the batch commits, `committed()`
 * (called synchronously at the end of the commit, before any other callback can run) uncorks, and all
 * the PUBACKs of that batch leave in one write. A crash before the commit loses the batch and its
 * PUBACKs together: the broker still holds those messages and delivers them again.
 *
 * Back-pressure: once ~16 KB of PUBACKs wait (4,000 messages), the socket reports it is full and MQTT.js
 * waits for 'drain' before it reads on, so a spool that cannot commit stops intake instead of piling up.
 */
export class AckGate implements CommitParticipant {
  private corked: Duplex[] = [];

  /**
   * `afterSync`: release at `synced()` (the WAL fsynced) instead of at each commit: power-cut safe.
   */
  constructor(
    private readonly sink: SpoolSink,
    private readonly afterSync = false,
  ) {
    sink.addParticipant(this);
  }

  /** Call before acknowledging a message whose data was just written to the sink (or its participants). */
  hold(stream: Duplex | undefined): void {
    if (!stream || stream.destroyed || (!this.afterSync && !this.sink.hasUncommitted())) return;
    for (let i = 0; i < this.corked.length; i++) if (this.corked[i] === stream) return;
    stream.cork();
    this.corked.push(stream);
    // A participant's rows (a dead letter) without any point still need a commit to release the ack.
    if (!this.afterSync) this.sink.requestCommit();
  }

  /** Streams corked now (0 or 1 in steady state). */
  get holding(): number {
    return this.corked.length;
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
    if (this.corked.length === 0) return;
    const streams = this.corked;
    this.corked = [];
    for (const s of streams) if (!s.destroyed) s.uncork();
  }
}
