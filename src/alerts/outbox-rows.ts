import type { AlertSeverity } from './severity.js';

/** What a row carries: an alert message (JSON), its evidence JPEG, or a telemetry summary (JSON). */
export type OutboxKind = 'alert' | 'evidence' | 'telemetry';

/** Accounting overhead per row on top of the payload: the other columns, record header and cell pointer. */
export const ROW_OVERHEAD_BYTES = 80;

/** The outbox's rows and their accounted bytes (payloads plus ROW_OVERHEAD_BYTES each). */
export interface OutboxSize {
  rows: number;
  bytes: number;
}

/** Read order: alerts and evidence first (prio 0), then telemetry (1). */
export const PRIO: Record<OutboxKind, number> = { alert: 0, evidence: 0, telemetry: 1 };

export interface OutboxEntry {
  kind: OutboxKind;
  alertId?: string;
  severity?: AlertSeverity;
  payload: Buffer;
}

export interface OutboxRow {
  seq: number;
  kind: OutboxKind;
  alertId: string | null;
  payload: Buffer;
  createdMs: number;
  bytes: number;
}

/** A destination draining its own copy of the rows (the IOC broker, the webhook), and what it takes. */
export interface OutboxSink {
  name: string;
  kinds: readonly OutboxKind[];
}
