// Messages between bench/fleet.ts and its child processes (Node IPC).
import type { FleetRates, InstanceReport } from './instance.js';

export interface WorkerSpec {
  /** Index of the first box (box-001 is 0) and how many boxes this process runs. */
  first: number;
  count: number;
  sites: number;
  brokerUrl: string;
  dir: string;
  rates: FleetRates;
}

export type ToWorker = { cmd: 'start' } | { cmd: 'quiesce' } | { cmd: 'report' } | { cmd: 'stop' };

export type FromWorker =
  | { type: 'ready'; rssBytes: number }
  | { type: 'started' }
  | { type: 'status'; connected: number; idle: number; outbox: number }
  | { type: 'report'; instances: InstanceReport[] }
  | { type: 'stopped' };

export interface Delivery {
  id: string;
  seq: number;
  state: string;
  node: string;
  /** Epoch ms the condition was raised (`startedAt` of the message) and received at the consumer. */
  raisedMs: number;
  receivedMs: number;
}

export interface ConsumerSummary {
  /** Non-retained messages by kind (last topic level), with payload bytes. */
  byKind: Record<string, { messages: number; bytes: number }>;
  /** Per second of the run: messages received (index 0 = the consumer's start). */
  perSecond: number[];
  startedMs: number;
  alerts: Delivery[];
  /** Heartbeat arrival times per node (epoch ms, non-retained). */
  heartbeats: Record<string, number[]>;
  /** `online` status arrivals per node (non-retained). */
  online: Record<string, number[]>;
  /** $SYS samples: [epoch ms, topic → value]. */
  sys: [number, Record<string, number>][];
  invalid: number;
}

export type ToConsumer = { cmd: 'summary' } | { cmd: 'stop' };
export type FromConsumer =
  | { type: 'ready' }
  | { type: 'progress'; messages: number; alertMessages: number }
  | { type: 'summary'; summary: ConsumerSummary };
