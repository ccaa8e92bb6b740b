import { isDeepStrictEqual } from 'node:util';
import type { ConfigProblem } from '../config/errors.js';
import type { ResolvedConfig } from '../config/load.js';
import type { CameraConfig } from '../config/schema.js';

/** What a running gateway reports when asked whether a freshly applied config works. */
export interface Readiness {
  /** Camera id → its state now (`streaming` is healthy). */
  cameras: Record<string, string>;
  /** Time-series sink state (`retrying` means the server does not take writes). */
  timeseries?: string;
}

/** The checks a config must pass after it is applied, derived from the old and the new config. */
export interface Expectations {
  /** Cameras that must reach `streaming`. */
  cameras: string[];
  /** The time-series server must take writes (its settings changed and it has a server). */
  timeseries: boolean;
}

/**
 * Which parts a new config must bring up healthy. A camera whose settings did not change and that was not
 * streaming under the old config either (unplugged, say) is not held against the new config; every other
 * enabled camera must stream.
 */
export function expectationsFor(
  previous: ResolvedConfig,
  next: ResolvedConfig,
  before: Readiness | undefined,
): Expectations {
  const old = new Map(previous.cameras.map((c) => [c.id, c]));
  const cameras: string[] = [];
  for (const cam of next.cameras) {
    if (!cam.enabled) continue;
    const was = old.get(cam.id);
    const unchanged = was !== undefined && sameCamera(was, cam);
    if (unchanged && before?.cameras[cam.id] !== 'streaming') continue;
    cameras.push(cam.id);
  }
  const influxChanged = !isDeepStrictEqual(previous.influx, next.influx);
  return { cameras, timeseries: influxChanged && next.influx.url !== undefined };
}

/** What still fails the expectations, one line each (empty when healthy). */
export function unmet(expect: Expectations, now: Readiness): string[] {
  const out: string[] = [];
  for (const id of expect.cameras) {
    const state = now.cameras[id];
    if (state !== 'streaming') out.push(`camera ${id} is ${state ?? 'missing'}, not streaming`);
  }
  if (expect.timeseries && now.timeseries === 'retrying')
    out.push('the time-series server does not take writes');
  return out;
}

/**
 * Where a config applied at run time would move the gateway's data: not allowed. The running gateway
 * holds the data directory (one gateway per directory: instance-lock.ts) and its store, whose spool and
 * outbox may hold data not yet delivered; a gateway restarted on another directory would leave that data
 * behind, unsent, and a second gateway could then start on the old one. Moving it is a stop, a move and
 * a start.
 */
export function dataMoves(previous: ResolvedConfig, next: ResolvedConfig): ConfigProblem[] {
  const moves: [string, string | undefined, string | undefined][] = [
    ['dataDir', previous.dataDir, next.dataDir],
    ['store.path', previous.store.path, next.store.path],
    ['influx.spool.path', previous.influx.spool.path, next.influx.spool.path],
  ];
  const out: ConfigProblem[] = [];
  for (const [path, from, to] of moves) {
    if (from === to) continue;
    out.push({
      path,
      message: `${from ?? 'the store'} → ${to ?? 'the store'}: cannot change while the gateway runs (its spool and outbox there may hold data not yet delivered); stop the gateway, move the data, and start it on the new config`,
    });
  }
  return out;
}

function sameCamera(a: CameraConfig, b: CameraConfig): boolean {
  return (
    a.url === b.url &&
    isDeepStrictEqual(a.inputs, b.inputs) &&
    a.transport === b.transport &&
    a.hwaccel === b.hwaccel
  );
}
