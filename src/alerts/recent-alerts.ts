import type { AlertMessage } from './alert.js';

/**
 * The latest message of the last alerts raised and their evidence pictures, in memory, for the
 * technician's alert list (the IOC gets every message through the outbox; this only answers "what did the
 * box raise lately"). Bounded: the oldest alerts and pictures are forgotten first.
 */
export class RecentAlerts {
  private readonly alerts = new Map<string, AlertMessage>();
  private readonly pictures = new Map<string, Buffer>();

  constructor(
    private readonly maxAlerts = 100,
    private readonly maxPictures = 20,
  ) {}

  /** Keeps the alert's latest message (an alert moves to the newest end with each message). */
  message(msg: AlertMessage): void {
    this.alerts.delete(msg.id);
    this.alerts.set(msg.id, msg);
    trim(this.alerts, this.maxAlerts);
  }

  picture(alertId: string, jpeg: Buffer): void {
    this.pictures.delete(alertId);
    this.pictures.set(alertId, jpeg);
    trim(this.pictures, this.maxPictures);
  }

  evidence(alertId: string): Buffer | undefined {
    return this.pictures.get(alertId);
  }

  get(alertId: string): AlertMessage | undefined {
    return this.alerts.get(alertId);
  }

  /** Newest first. */
  list(): AlertMessage[] {
    return [...this.alerts.values()].reverse();
  }
}

function trim<V>(m: Map<string, V>, max: number): void {
  for (const k of m.keys()) {
    if (m.size <= max) break;
    m.delete(k);
  }
}
