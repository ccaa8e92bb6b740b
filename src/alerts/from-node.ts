import { statfsSync } from 'node:fs';
import type { AlertSignal } from './alert.js';
import type { AlertSeverity } from './severity.js';

export interface DiskUsage {
  path: string;
  totalBytes: number;
  freeBytes: number;
}

/** Size and free space (for unprivileged users) of the filesystem holding `path`. */
export function diskUsage(path: string): DiskUsage | undefined {
  try {
    const s = statfsSync(path);
    return { path, totalBytes: s.blocks * s.bsize, freeBytes: s.bavail * s.bsize };
  } catch {
    return undefined;
  }
}

/** What the box reports about itself, sampled every few seconds. */
export interface NodeConditions {
  disk?: DiskUsage;
  /** Time-series spool: bytes, bound, and points dropped since start. */
  spool?: { bytes: number; maxBytes: number; dropped: number };
  /** Alert outbox: bytes, bound, and messages dropped to stay under it since the store was made. */
  outbox?: { bytes: number; maxBytes: number; dropped: number };
}

interface Rule {
  type: string;
  severity: AlertSeverity;
  /** true: raise, false: clear, undefined: keep (between the two thresholds). */
  decide(c: NodeConditions, prev: NodeConditions | undefined): { on: boolean | undefined; detail: string };
}

/**
 * The box's own alerts from its conditions: disk almost full (below `minFreeBytes`, cleared with 20 %
 * margin), time-series spool full (dropping points) and alert outbox full (dropping info alerts or
 * evidence). Feed `sample()` every few seconds.
 */
export class NodeWatch {
  private readonly rules: Rule[];
  private readonly raised = new Set<string>();
  private prev: NodeConditions | undefined;

  constructor(
    private readonly nodeId: string,
    minFreeBytes: number,
    private readonly emit: (s: AlertSignal) => void,
  ) {
    const gb = (b: number) => `${(b / 1e9).toFixed(2)} GB`;
    this.rules = [
      {
        type: 'disk_low',
        severity: 'high',
        decide: (c) => {
          const d = c.disk;
          if (!d) return { on: undefined, detail: '' };
          const on = d.freeBytes < minFreeBytes ? true : d.freeBytes > minFreeBytes * 1.2 ? false : undefined;
          return {
            on,
            detail: `${gb(d.freeBytes)} free of ${gb(d.totalBytes)} on ${d.path} (minimum ${gb(minFreeBytes)})`,
          };
        },
      },
      bounded('spool_full', 'medium', (c) => c.spool, 'time-series spool', 'points'),
      bounded('outbox_full', 'high', (c) => c.outbox, 'alert outbox', 'messages'),
    ];
  }

  sample(c: NodeConditions, nowMs = Date.now()): void {
    for (const r of this.rules) {
      const { on, detail } = r.decide(c, this.prev);
      if (on === undefined || on === this.raised.has(r.type)) continue;
      if (on) this.raised.add(r.type);
      else this.raised.delete(r.type);
      this.emit({
        state: on ? 'raise' : 'clear',
        source: { kind: 'node', id: this.nodeId },
        type: r.type,
        severity: r.severity,
        timeMs: nowMs,
        detail,
      });
    }
    this.prev = c;
  }
}

/** Raised while a bounded store drops data (or sits at 95 % of its bound); cleared below 90 % with no drops. */
function bounded(
  type: string,
  severity: AlertSeverity,
  get: (c: NodeConditions) => { bytes: number; maxBytes: number; dropped: number } | undefined,
  what: string,
  unit: string,
): Rule {
  return {
    type,
    severity,
    decide(c, prev) {
      const now = get(c);
      if (!now) return { on: undefined, detail: '' };
      const dropped = now.dropped - (prev ? (get(prev)?.dropped ?? now.dropped) : now.dropped);
      const fill = now.bytes / now.maxBytes;
      const on = dropped > 0 || fill >= 0.95 ? true : fill < 0.9 ? false : undefined;
      const detail = `${what} ${Math.round(fill * 100)} % of ${(now.maxBytes / 1e6).toFixed(0)} MB${
        dropped > 0 ? `, ${dropped} ${unit} dropped since the last check` : ''
      }`;
      return { on, detail };
    },
  };
}
