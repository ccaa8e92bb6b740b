import type { AlertMessage, AlertSignal, AlertState } from './alert.js';
import { alertTitle } from './titles.js';

/** An alert as the manager keeps it (and persists it while open, so a restart continues it). */
export interface AlertRecord {
  id: string;
  key: string;
  seq: number;
  signal: AlertSignal;
  startedMs: number;
  updatedMs: number;
  /** When the last occurrence cleared; the alert ends `cooldown` later unless raised again. */
  clearedMs?: number;
  count: number;
  /** Occurrences open now (producer refs). */
  refs: string[];
  snapshot: boolean;
  clip?: { startMs: number; endMs: number };
  acknowledged?: { atMs: number; by?: string; note?: string };
}

/** What a message needs beyond the alert: the node, camera names, where pictures go. */
export interface MessageContext {
  node: { id: string; site: string; name?: string; location?: { lat: number; lon: number } };
  cameraNames?: Record<string, string>;
  evidenceTopic?: (alertId: string) => string;
}

/** The message of an alert in the given state (its `seq` already advanced), as the IOC receives it. */
export function alertMessage(a: AlertRecord, state: AlertState, ctx: MessageContext): AlertMessage {
  const seq = a.seq;
  const { node, cameraNames, evidenceTopic } = ctx;
  const s = a.signal;
  const label =
    s.source.kind === 'camera'
      ? (cameraNames?.[s.source.id] ?? s.source.id)
      : s.source.kind === 'node'
        ? (node.name ?? node.id)
        : s.source.id;
  const name = s.source.kind === 'camera' ? cameraNames?.[s.source.id] : undefined;
  const msg: AlertMessage = {
    schema: 'ioc-edge/alert/1',
    id: a.id,
    seq,
    state,
    node: node.id,
    site: node.site,
    source: name ? { ...s.source, name } : { ...s.source },
    type: s.type,
    severity: s.severity,
    startedAt: iso(a.startedMs),
    updatedAt: iso(a.updatedMs),
    title: alertTitle(s, label),
    count: a.count,
  };
  if (s.cls !== undefined) msg.class = s.cls;
  if (s.metric !== undefined) msg.metric = s.metric;
  if (s.zone !== undefined) msg.zone = s.zone;
  if (s.level !== undefined) msg.level = s.level;
  if (s.value !== undefined) msg.value = s.value;
  if (s.threshold !== undefined) msg.threshold = s.threshold;
  if (s.unit !== undefined) msg.unit = s.unit;
  if (node.location) msg.location = { lat: node.location.lat, lon: node.location.lon };
  if (state === 'end') msg.endedAt = iso(a.clearedMs ?? a.updatedMs);
  if (s.detail !== undefined) msg.detail = s.detail;
  if (a.acknowledged) {
    msg.acknowledged = { at: iso(a.acknowledged.atMs) };
    if (a.acknowledged.by !== undefined) msg.acknowledged.by = a.acknowledged.by;
    if (a.acknowledged.note !== undefined) msg.acknowledged.note = a.acknowledged.note;
  }
  if ((a.snapshot && evidenceTopic) || (a.clip && s.source.kind === 'camera')) {
    msg.evidence = {};
    if (a.snapshot && evidenceTopic)
      msg.evidence.snapshot = { topic: evidenceTopic(a.id), contentType: 'image/jpeg' };
    if (a.clip && s.source.kind === 'camera') {
      msg.evidence.clip = {
        camera: s.source.id,
        startedAt: iso(a.clip.startMs),
        endedAt: iso(a.clip.endMs),
      };
    }
  }
  return msg;
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}
