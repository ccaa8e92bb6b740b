import type { Service } from '../lifecycle/service.js';
import type { Logger } from '../log/logger.js';
import { type AlertMessage, type AlertSignal, type AlertState, alertKey } from './alert.js';
import { uuidv7 } from './ids.js';
import { type AlertRecord, alertMessage } from './message.js';
import type { Outbox, OutboxEntry } from './outbox.js';
import type { RecentAlerts } from './recent-alerts.js';

/** Occurrence refs remembered for late evidence pictures. */
const MAX_REFS = 10_000;

export interface AlertManagerOptions {
  node: { id: string; site: string; name?: string; location?: { lat: number; lon: number } };
  /** Camera id → name, for titles. */
  cameraNames?: Record<string, string>;
  outbox: Outbox;
  /** A cleared alert ends only after this long without a new raise; a raise within it continues the alert. */
  cooldownMs: number;
  /** Updates of one alert are coalesced: at most one update message per this interval. */
  updateIntervalMs: number;
  /** Where evidence pictures are published (`<prefix>/evidence/<id>`), named in the alert message. */
  evidenceTopic?: (alertId: string) => string;
  /** Keeps the latest message and picture of recent alerts (the local console's list). */
  recent?: RecentAlerts;
  log: Logger;
}

interface Timers {
  update?: NodeJS.Timeout;
  end?: NodeJS.Timeout;
  lastMessageMs: number;
}

export interface AlertManagerHealth {
  open: number;
  totals: { raised: number; updates: number; ended: number; evidence: number; signals: number };
}

/**
 * Turns source signals into alerts for the IOC: one alert per (source, type, zone[, metric]) while its
 * condition holds, as messages `new → update… → end` with a stable UUIDv7 id. Repeated raises coalesce into
 * at most one update per `updateIntervalMs`; a cleared alert ends after `cooldownMs` without a new raise
 * (flapping gives one alert, not ten). Every message is written durably to the outbox before it counts.
 */
export class AlertManager implements Service {
  readonly name = 'alerts';
  private readonly open = new Map<string, AlertRecord>();
  private readonly byId = new Map<string, AlertRecord>();
  private readonly byRef = new Map<string, AlertRecord>();
  private readonly timers = new Map<string, Timers>();
  private stopped = false;
  readonly totals = { raised: 0, updates: 0, ended: 0, evidence: 0, signals: 0 };

  constructor(private readonly opts: AlertManagerOptions) {}

  /** Continues the alerts open when the gateway last stopped: each ends after the cooldown unless raised again. */
  async start(): Promise<void> {
    for (const { key, alert } of this.opts.outbox.open.load()) {
      let a: AlertRecord;
      try {
        a = JSON.parse(alert) as AlertRecord;
      } catch {
        this.opts.outbox.open.save(key, undefined);
        continue;
      }
      a.refs = [];
      a.clearedMs ??= Date.now();
      this.track(a);
      this.scheduleEnd(a);
    }
    if (this.open.size > 0)
      this.opts.log.info({ open: this.open.size }, 'alerts open before the restart continue');
  }

  /** Sends coalesced updates now; open alerts stay persisted for the next start. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const [key, t] of this.timers) {
      clearTimeout(t.end);
      if (t.update) {
        clearTimeout(t.update);
        const a = this.open.get(key);
        if (a) this.send(a, 'update');
      }
    }
    this.timers.clear();
  }

  /** Takes a raise or clear; returns the id of the alert it went to (undefined: nothing open to clear). */
  signal(s: AlertSignal): string | undefined {
    if (this.stopped) return undefined;
    this.totals.signals++;
    const key = alertKey(s);
    const a = this.open.get(key);
    if (s.state === 'raise') {
      if (!a) return this.raiseNew(key, s);
      this.raiseAgain(a, s);
      return a.id;
    }
    if (!a) return undefined;
    if (s.ref !== undefined) a.refs = a.refs.filter((r) => r !== s.ref);
    else a.refs = [];
    if (s.clip) a.clip = s.clip;
    if (a.refs.length > 0 || a.clearedMs !== undefined) return a.id;
    a.clearedMs = s.timeMs;
    a.updatedMs = Math.max(a.updatedMs, s.timeMs);
    this.scheduleEnd(a);
    return a.id;
  }

  /** The evidence picture of an occurrence (by its ref): published after the alert's message. */
  evidence(ref: string, jpeg: Buffer): boolean {
    const a = this.byRef.get(ref);
    if (!a || this.stopped) return false;
    this.totals.evidence++;
    const announce = !a.snapshot;
    a.snapshot = true;
    const entries: OutboxEntry[] = [];
    // An alert that did not expect a picture learns its topic first, so the IOC knows what follows.
    if (announce) entries.push(this.message(a, 'update'));
    entries.push({ kind: 'evidence', alertId: a.id, severity: a.signal.severity, payload: jpeg });
    this.opts.recent?.picture(a.id, jpeg);
    // A picture alone is committed without forcing it to disk (it survives a crash; a power cut may lose
    // the last instant of them): the next alert message's FULL commit flushes it, and the alert itself,
    // which counts, already is on disk. An announcing update is an alert message: FULL.
    this.opts.outbox.append(entries, announce, () => this.persist(a));
    if (announce) this.timersOf(a.key).lastMessageMs = Date.now();
    return true;
  }

  /** An operator at the IOC acknowledged the alert: an update carries who and when. */
  acknowledge(id: string, by?: string, note?: string): AlertMessage | undefined {
    const a = this.byId.get(id);
    if (!a || this.stopped) return undefined;
    a.acknowledged = { atMs: Date.now(), by, note };
    a.updatedMs = Math.max(a.updatedMs, a.acknowledged.atMs);
    const t = this.timersOf(a.key);
    clearTimeout(t.update);
    t.update = undefined;
    return this.send(a, 'update');
  }

  /** The alerts open now, as their latest message would show them. */
  list(): AlertMessage[] {
    return [...this.open.values()].map((a) => alertMessage(a, 'update', this.opts));
  }

  health(): AlertManagerHealth {
    return { open: this.open.size, totals: { ...this.totals } };
  }

  private raiseNew(key: string, s: AlertSignal): string {
    const now = Date.now();
    const a: AlertRecord = {
      id: uuidv7(now),
      key,
      seq: 0,
      signal: s,
      startedMs: s.timeMs,
      updatedMs: s.timeMs,
      count: 1,
      refs: s.ref !== undefined ? [s.ref] : [],
      snapshot: s.evidenceExpected === true,
      clip: s.clip,
    };
    this.track(a);
    this.send(a, 'new');
    return a.id;
  }

  private raiseAgain(a: AlertRecord, s: AlertSignal): void {
    a.count++;
    a.signal = s;
    a.updatedMs = Math.max(a.updatedMs, s.timeMs);
    if (s.ref !== undefined && !a.refs.includes(s.ref)) {
      a.refs.push(s.ref);
      this.remember(s.ref, a);
    }
    if (s.evidenceExpected) a.snapshot = true;
    if (s.clip) a.clip = s.clip;
    const t = this.timersOf(a.key);
    if (a.clearedMs !== undefined) {
      a.clearedMs = undefined;
      clearTimeout(t.end);
      t.end = undefined;
    }
    if (t.update) return;
    const wait = t.lastMessageMs + this.opts.updateIntervalMs - Date.now();
    if (wait <= 0) {
      this.send(a, 'update');
      return;
    }
    t.update = setTimeout(() => {
      t.update = undefined;
      if (this.open.get(a.key) === a) this.send(a, 'update');
    }, wait);
    t.update.unref();
  }

  private scheduleEnd(a: AlertRecord): void {
    const t = this.timersOf(a.key);
    clearTimeout(t.end);
    const wait = Math.max(0, a.clearedMs! + this.opts.cooldownMs - Date.now());
    t.end = setTimeout(() => this.end(a), wait);
    t.end.unref();
  }

  private end(a: AlertRecord): void {
    if (this.open.get(a.key) !== a || a.clearedMs === undefined) return;
    const t = this.timers.get(a.key);
    clearTimeout(t?.update);
    this.timers.delete(a.key);
    this.open.delete(a.key);
    this.byId.delete(a.id);
    for (const [ref, holder] of this.byRef) if (holder === a) this.byRef.delete(ref);
    a.updatedMs = Math.max(a.updatedMs, a.clearedMs);
    this.send(a, 'end');
  }

  private send(a: AlertRecord, state: AlertState): AlertMessage {
    a.seq++;
    const msg = alertMessage(a, state, this.opts);
    this.opts.recent?.message(msg);
    const entry: OutboxEntry = {
      kind: 'alert',
      alertId: a.id,
      severity: a.signal.severity,
      payload: Buffer.from(JSON.stringify(msg)),
    };
    this.opts.outbox.append([entry], true, () =>
      this.opts.outbox.open.save(a.key, state === 'end' ? undefined : JSON.stringify(a)),
    );
    if (state !== 'end') this.timersOf(a.key).lastMessageMs = Date.now();
    if (state === 'new') this.totals.raised++;
    else if (state === 'update') this.totals.updates++;
    else this.totals.ended++;
    if (state !== 'update') {
      this.opts.log.info(
        { alert: a.id, state, type: msg.type, source: msg.source, zone: msg.zone, severity: msg.severity },
        `alert ${state === 'new' ? 'raised' : 'ended'}: ${msg.title.en}`,
      );
    }
    return msg;
  }

  /** The message entry for the outbox (state already decided; seq advanced). */
  private message(a: AlertRecord, state: AlertState): OutboxEntry {
    a.seq++;
    const msg = alertMessage(a, state, this.opts);
    this.opts.recent?.message(msg);
    this.totals.updates++;
    return {
      kind: 'alert',
      alertId: a.id,
      severity: a.signal.severity,
      payload: Buffer.from(JSON.stringify(msg)),
    };
  }

  private persist(a: AlertRecord): void {
    if (this.open.get(a.key) === a) this.opts.outbox.open.save(a.key, JSON.stringify(a));
  }

  private track(a: AlertRecord): void {
    this.open.set(a.key, a);
    this.byId.set(a.id, a);
    for (const r of a.refs) this.remember(r, a);
    this.timersOf(a.key);
  }

  /** Refs stay known after their occurrence cleared (its picture may still come), up to a bound. */
  private remember(ref: string, a: AlertRecord): void {
    this.byRef.set(ref, a);
    if (this.byRef.size > MAX_REFS) this.byRef.delete(this.byRef.keys().next().value!);
  }

  private timersOf(key: string): Timers {
    let t = this.timers.get(key);
    if (!t) {
      t = { lastMessageMs: 0 };
      this.timers.set(key, t);
    }
    return t;
  }
}
