import type { Outbox, OutboxRow } from '../alerts/outbox.js';
import type { Logger } from '../log/logger.js';
import type { MqttLink } from './mqtt-link.js';
import type { Topics } from './topics.js';

export const MQTT_SINK = 'mqtt';

/** MQTT 5 reason codes that say "later", not "never". */
const RETRYABLE_REASONS = new Set([0x89 /* server busy */, 0x97 /* quota exceeded */]);

export interface PublisherOptions {
  qos: 1 | 2;
  /** Messages published and not acknowledged at most, and their bytes. */
  inflight: number;
  inflightBytes?: number;
  /** Rows read from the store per query. */
  batch?: number;
}

/** A row the broker acknowledged: for metrics, tests and the benchmark. */
export interface Delivered {
  seq: number;
  kind: OutboxRow['kind'];
  alertId: string | null;
  createdMs: number;
  bytes: number;
}

/**
 * Drains the outbox's `mqtt` rows to the IOC broker: alerts and evidence first, in outbox order, telemetry
 * when they are done; up to `inflight` messages in flight; a row is deleted only when its PUBACK (PUBCOMP
 * for QoS 2) arrives. A dropped connection rewinds to the oldest unacknowledged row, so after reconnecting
 * everything goes again in order (receivers see at most a duplicate, with the same id).
 */
export class MqttOutboxPublisher {
  private readonly inflight = new Map<number, number>(); // seq → bytes
  private inflightBytes = 0;
  /** Highest seq handed to the client, per priority; rows above it are still to send. */
  private readonly cursor = [0, 0];
  private acked: number[] = [];
  private ackScheduled = false;
  private generation = 0;
  private pumping = false;
  private stopped = false;
  private deadLogged = 0;
  sent = 0;
  delivered = 0;
  onDelivered: ((d: Delivered) => void) | undefined;

  constructor(
    private readonly link: MqttLink,
    private readonly outbox: Outbox,
    private readonly topics: Topics,
    private readonly opts: PublisherOptions,
    private readonly log: Logger,
  ) {
    outbox.onAppend((sink) => {
      if (sink === MQTT_SINK) this.pump();
    });
    link.on('up', () => this.pump());
    link.on('down', () => this.rewind());
  }

  get inFlight(): number {
    return this.inflight.size;
  }

  stop(): void {
    this.stopped = true;
    this.flushAcks();
  }

  /** Publishes rows while the window has room. */
  pump(): void {
    if (this.pumping || this.stopped || !this.link.connected) return;
    this.pumping = true;
    try {
      const maxBytes = this.opts.inflightBytes ?? 16_000_000;
      const batch = this.opts.batch ?? 64;
      while (
        this.inflight.size < this.opts.inflight &&
        this.inflightBytes < maxBytes &&
        this.link.connected
      ) {
        let prio: 0 | 1 = 0;
        let rows = this.outbox.next(MQTT_SINK, 0, this.cursor[0]!, Math.min(batch, this.opts.inflight));
        if (rows.length === 0) {
          prio = 1;
          rows = this.outbox.next(MQTT_SINK, 1, this.cursor[1]!, Math.min(batch, this.opts.inflight));
        }
        if (rows.length === 0) break;
        for (const row of rows) {
          if (this.inflight.size >= this.opts.inflight || this.inflightBytes >= maxBytes) break;
          if (!this.send(row)) return;
          this.cursor[prio] = row.seq;
        }
      }
    } finally {
      this.pumping = false;
    }
  }

  private send(row: OutboxRow): boolean {
    const topic =
      row.kind === 'alert'
        ? this.topics.alerts
        : row.kind === 'evidence'
          ? this.topics.evidence(row.alertId ?? 'unknown')
          : this.topics.telemetry;
    const gen = this.generation;
    const ok = this.link.publish(topic, row.payload, { qos: this.opts.qos }, (err) => {
      if (gen !== this.generation) return; // a dropped connection: sent again after the rewind
      this.onAck(row, err);
    });
    if (!ok) return false;
    this.inflight.set(row.seq, row.bytes);
    this.inflightBytes += row.bytes;
    this.sent++;
    return true;
  }

  private onAck(row: OutboxRow, err: (Error & { code?: number }) | undefined): void {
    const bytes = this.inflight.get(row.seq);
    if (bytes === undefined) return;
    this.inflight.delete(row.seq);
    this.inflightBytes -= bytes;
    if (err) {
      const code = typeof err.code === 'number' ? err.code : undefined;
      if (code !== undefined && code >= 0x80 && !RETRYABLE_REASONS.has(code)) {
        // The broker refused this message for good (not authorized, topic invalid, too large...).
        this.outbox.deadLetter(MQTT_SINK, row, code, err.message);
        if (this.deadLogged++ < 10 || this.deadLogged % 100 === 0) {
          this.log.warn(
            { seq: row.seq, kind: row.kind, alert: row.alertId, reason: err.message },
            'uplink refused a message; dead-lettered',
          );
        }
      } else {
        // Try again, from this row on, in order.
        this.cursor[row.kind === 'telemetry' ? 1 : 0] = Math.min(
          this.cursor[row.kind === 'telemetry' ? 1 : 0]!,
          row.seq - 1,
        );
      }
      this.pump();
      return;
    }
    this.delivered++;
    this.acked.push(row.seq);
    this.onDelivered?.({
      seq: row.seq,
      kind: row.kind,
      alertId: row.alertId,
      createdMs: row.createdMs,
      bytes,
    });
    if (!this.ackScheduled) {
      this.ackScheduled = true;
      setImmediate(() => this.flushAcks());
    }
  }

  /** Deletes acknowledged rows in one transaction per turn of the event loop, then refills the window. */
  private flushAcks(): void {
    this.ackScheduled = false;
    const seqs = this.acked;
    if (seqs.length === 0) return;
    this.acked = [];
    try {
      this.outbox.ack(seqs);
    } catch (err) {
      // Not deleted: sent again later (a duplicate with the same id), never lost.
      this.log.error({ err }, 'outbox: acknowledged messages not deleted');
    }
    this.pump();
  }

  private rewind(): void {
    this.generation++;
    this.flushAcks();
    this.inflight.clear();
    this.inflightBytes = 0;
    this.cursor[0] = 0;
    this.cursor[1] = 0;
  }
}
