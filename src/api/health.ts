/** How a part of the box is doing, as the API and the watchdog see it. */
export type HealthStatus = 'ok' | 'degraded' | 'down' | 'starting';

export interface ComponentHealth {
  status: HealthStatus;
  /** What the part reports about itself (shown as is). */
  detail: unknown;
}

const RANK: Record<HealthStatus, number> = { ok: 0, starting: 1, degraded: 2, down: 3 };

/** The box is as well as its worst part (no parts: starting). */
export function overallStatus(parts: Record<string, ComponentHealth>): HealthStatus {
  let worst: HealthStatus | undefined;
  for (const p of Object.values(parts)) if (!worst || RANK[p.status] > RANK[worst]) worst = p.status;
  return worst ?? 'starting';
}
