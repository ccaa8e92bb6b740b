import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { AlertsHealth } from '../../src/alerts/service.js';
import type { CameraHealth } from '../../src/camera/camera.js';
import type { SensorHealth } from '../../src/sensors/health.js';
import type { TimeSeriesHealth } from '../../src/timeseries/service.js';
import { pidAlive, waitUntil } from './process.js';

/** What GET /api/health answers (the parts a test reads). */
export interface ApiHealth {
  status: string;
  components: Record<string, string>;
  cameras: Record<string, CameraHealth>;
  sensors: SensorHealth;
  timeseries: TimeSeriesHealth;
  alerts: AlertsHealth;
}

export async function apiHealth(apiBase: string): Promise<ApiHealth> {
  return (await (await fetch(`${apiBase}/api/health`)).json()) as ApiHealth;
}

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CLI = fileURLToPath(new URL('../../src/cli.ts', import.meta.url));

/**
 * `ioc-edge run` as a child in its own process group, its whole log appended to `logFile` (across
 * restarts). `kill9` is a crash as systemd sees one: SIGKILL to the gateway, then to what is left of its
 * group (its ffmpeg children), so nothing outlives it.
 */
export interface GatewayProcess {
  readonly pid: number;
  readonly child: ChildProcess;
  readonly exited: Promise<number | null>;
  /** SIGKILL to the gateway and its process group; resolves once the gateway is gone. */
  kill9(): Promise<void>;
  /** SIGTERM (a clean stop), SIGKILL to the group after `graceMs`; resolves with the exit code. */
  stop(graceMs?: number): Promise<number | null>;
  alive(): boolean;
}

export function startGatewayProcess(
  config: string,
  logFile: string,
  env: NodeJS.ProcessEnv = {},
  args: string[] = ['run', '--config', config],
): GatewayProcess {
  const fd = openSync(logFile, 'a');
  const child = spawn(process.execPath, ['--import', 'tsx', CLI, ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', fd, fd],
    detached: true,
  });
  closeSync(fd);
  const pid = child.pid ?? -1;
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code) => resolve(code));
    child.once('error', () => resolve(-1));
  });
  const alive = () => child.exitCode === null && child.signalCode === null;
  const killGroup = () => {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // The group is empty already.
    }
  };
  return {
    pid,
    child,
    exited,
    alive,
    async kill9() {
      if (alive()) child.kill('SIGKILL');
      await exited;
      killGroup();
    },
    async stop(graceMs = 20_000) {
      if (alive()) child.kill('SIGTERM');
      const timer = setTimeout(killGroup, graceMs);
      const code = await exited;
      clearTimeout(timer);
      killGroup();
      return code;
    },
  };
}

/** The JSON log lines of a gateway log file (pino), skipping anything else. */
export function logLines(logFile: string): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (const line of readFileSync(logFile, 'utf8').split('\n')) {
    if (!line.startsWith('{')) continue;
    try {
      out.push(JSON.parse(line) as Record<string, unknown>);
    } catch {
      // A line cut by a kill -9.
    }
  }
  return out;
}

/** The last lines of a gateway log, for failure messages. */
export function logTail(logFile: string, chars = 6000): string {
  try {
    return readFileSync(logFile, 'utf8').slice(-chars);
  } catch {
    return '(no log)';
  }
}

/** Waits until the gateway's API answers /api/health (the gateway started), or fails with its log tail. */
export async function waitForApi(
  gw: GatewayProcess,
  apiBase: string,
  logFile: string,
  timeoutMs = 90_000,
): Promise<void> {
  try {
    const ready = waitUntil(
      'gateway API',
      async () => {
        const res = await fetch(`${apiBase}/api/health`, { signal: AbortSignal.timeout(2000) });
        await res.arrayBuffer();
        return res.status === 200;
      },
      { timeoutMs, intervalMs: 200 },
    );
    const died = gw.exited.then((code) => {
      throw new Error(`gateway exited with ${code} before its API answered`);
    });
    // Whichever loses the race must not surface later as an unhandled rejection.
    died.catch(() => {});
    ready.catch(() => {});
    await Promise.race([ready, died]);
  } catch (err) {
    const tail = readFileSync(logFile, 'utf8').slice(-4000);
    throw new Error(`${(err as Error).message}; alive: ${pidAlive(gw.pid)}\n--- log ---\n${tail}`);
  }
}

/**
 * Waits until the gateway's sensor client holds all its subscriptions, asking `health` (its
 * /api/health). On a broker that never saw the gateway's session, a reading published before that is
 * dropped by the broker (no subscriber yet): a test publishing right after the API answers would lose its
 * first readings under load. `logFile`: the gateway's log, whose tail a timeout shows.
 */
export async function waitForSensors(
  health: () => Promise<Pick<ApiHealth, 'sensors'>>,
  logFile?: string,
  timeoutMs = 30_000,
): Promise<void> {
  await waitUntil('sensor subscriptions granted', async () => (await health()).sensors?.subscribed === true, {
    timeoutMs,
    intervalMs: 100,
  }).catch((err: Error) => {
    throw new Error(logFile ? `${err.message}\n--- log ---\n${logTail(logFile, 4000)}` : err.message);
  });
}
