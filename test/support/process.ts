import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Ports for test servers are picked below the kernel's ephemeral range: inside it, any process's
 * outgoing connection may take a port for its local end while a server restarts on it (a gateway killed
 * and started again on its API port then fails with EADDRINUSE). Each vitest worker picks from a block
 * of its own, and one process never hands out a port twice, so parallel tests do not pick alike.
 */
const PORT_BASE = 20_000;
const PORT_BLOCK = 1_200;
const PORT_BLOCKS = 10;
const handedOut = new Set<number>();

/** The first port of the kernel's ephemeral range (0 when it cannot be read). */
const EPHEMERAL_LOW = (() => {
  try {
    return Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]);
  } catch {
    return 0;
  }
})();

function listenOnce(port: number): Promise<number | undefined> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.unref();
    srv.once('error', () => resolve(undefined));
    srv.listen(port, '127.0.0.1', () => {
      const addr = srv.address();
      const got = typeof addr === 'object' && addr ? addr.port : undefined;
      srv.close(() => resolve(got));
    });
  });
}

/** A TCP port on loopback that nothing listens on now, for a server the test starts. */
export async function freePort(): Promise<number> {
  const base = PORT_BASE + (Number(process.env.VITEST_POOL_ID ?? 0) % PORT_BLOCKS) * PORT_BLOCK;
  // On a machine whose ephemeral range starts lower, the kernel's choice is the best there is.
  if (EPHEMERAL_LOW < PORT_BASE + PORT_BLOCKS * PORT_BLOCK) {
    const port = await listenOnce(0);
    if (port === undefined) throw new Error('no free loopback port');
    return port;
  }
  for (let tries = 0; tries < 200; tries++) {
    const port = base + Math.floor(Math.random() * PORT_BLOCK);
    if (handedOut.has(port)) continue;
    if ((await listenOnce(port)) === port) {
      handedOut.add(port);
      return port;
    }
  }
  throw new Error(`no free loopback port in ${base}-${base + PORT_BLOCK - 1}`);
}

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `ioc-edge-${prefix}-`));
}

/** Absolute path of a binary on PATH (or an absolute path that exists), or a clear error naming the package. */
export function requireBinary(name: string, debianPackage: string): string {
  try {
    return execFileSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).trim();
  } catch {
    throw new Error(
      `${name} not found on PATH: install Debian package "${debianPackage}" (scripts/bootstrap.sh does this)`,
    );
  }
}

export interface ServerProcess {
  readonly name: string;
  readonly child: ChildProcess;
  readonly pid: number;
  /** Recent stdout+stderr, for error messages. */
  output(): string;
  /** SIGTERM, then SIGKILL after the grace period; resolves once the process is gone. */
  stop(graceMs?: number): Promise<void>;
  /** SIGKILL now (a crash); resolves once the process is gone. */
  kill(): Promise<void>;
  exited: Promise<number | null>;
}

export function startProcess(
  name: string,
  command: string,
  args: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): ServerProcess {
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: options.env ?? process.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  const keep = (chunk: Buffer) => {
    log = (log + chunk.toString()).slice(-8000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code) => resolve(code));
    child.once('error', (err) => {
      log += `\nspawn error: ${err.message}`;
      resolve(-1);
    });
  });
  const alive = () => child.exitCode === null && child.signalCode === null;
  const stop = async (graceMs = 5000) => {
    if (!alive()) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => alive() && child.kill('SIGKILL'), graceMs);
    await exited;
    clearTimeout(timer);
  };
  return {
    name,
    child,
    pid: child.pid ?? -1,
    output: () => log,
    stop,
    kill: async () => {
      if (alive()) child.kill('SIGKILL');
      await exited;
    },
    exited,
  };
}

/** Polls until `probe` resolves true, failing with the server's output after `timeoutMs`. */
export async function waitUntil(
  what: string,
  probe: () => Promise<boolean>,
  options: { timeoutMs?: number; intervalMs?: number; server?: ServerProcess } = {},
): Promise<void> {
  const deadline = Date.now() + (options.timeoutMs ?? 20_000);
  let exitedEarly = false;
  options.server?.exited.then(() => {
    exitedEarly = true;
  });
  while (Date.now() < deadline) {
    if (exitedEarly) break;
    if (await probe().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, options.intervalMs ?? 50));
  }
  const reason = exitedEarly ? 'the process exited' : `timed out after ${options.timeoutMs ?? 20_000} ms`;
  throw new Error(
    `${what}: not ready (${reason})${options.server ? `\n--- output ---\n${options.server.output()}` : ''}`,
  );
}

export function portOpen(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const s = new Socket();
    const done = (ok: boolean) => {
      s.destroy();
      resolve(ok);
    };
    s.setTimeout(500);
    s.once('connect', () => done(true));
    s.once('error', () => done(false));
    s.once('timeout', () => done(false));
    s.connect(port, host);
  });
}

export async function httpOk(url: string): Promise<boolean> {
  const res = await fetch(url, { signal: AbortSignal.timeout(1000) });
  await res.arrayBuffer();
  return res.status >= 200 && res.status < 300;
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/**
 * A server that tests can stop, crash and bring back on the same port and data dir (outage tests).
 * `launch` starts one instance and resolves once it is ready; `dir` is removed by `stop`.
 */
export interface RestartableServer {
  readonly server: ServerProcess;
  /** SIGTERM (then SIGKILL) and remove the temp dir, if it has one. */
  stop(): Promise<void>;
  /** Stops the server but keeps port and data dir, so `restart` brings it back with its data. */
  pause(): Promise<void>;
  restart(): Promise<void>;
  /** SIGKILL (a crash); `restart` brings it back. */
  kill(): Promise<void>;
}

export async function restartable(
  launch: () => Promise<ServerProcess>,
  dir?: string,
): Promise<RestartableServer> {
  let server = await launch();
  return {
    get server() {
      return server;
    },
    pause: () => server.stop(),
    async restart() {
      await server.stop();
      server = await launch();
    },
    kill: () => server.kill(),
    async stop() {
      await server.stop();
      if (dir) removeDir(dir);
    },
  };
}

/**
 * The fields of /proc/PID/stat after "(comm)" (which may contain spaces): [0] state, [1] ppid,
 * [11] utime, [12] stime (clock ticks). Throws when the process is gone.
 */
export function procStat(pid: number | string): string[] {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
}

/** PIDs whose parent is `ppid` (from /proc; Linux only). */
export function childPids(ppid: number): number[] {
  const out: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      if (Number(procStat(name)[1]) === ppid) out.push(Number(name));
    } catch {
      // The process went away while we looked.
    }
  }
  return out;
}

/** True while a process exists and is not a zombie. */
export function pidAlive(pid: number): boolean {
  try {
    return procStat(pid)[0] !== 'Z';
  } catch {
    return false;
  }
}

/** Open file descriptors of this process. */
export function openFdCount(): number {
  return readdirSync('/proc/self/fd').length;
}

/** The command name of a process (e.g. "ffmpeg"), or undefined when it is gone. */
export function processName(pid: number): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    return undefined;
  }
}

/**
 * Starts servers together; if one fails, stops the ones that started (so a failed beforeAll leaves no
 * orphans) and throws the first failure.
 */
export async function startTogether<T extends readonly unknown[]>(
  starts: { [K in keyof T]: Promise<T[K]> },
): Promise<T> {
  const settled = await Promise.allSettled(starts as readonly Promise<unknown>[]);
  const failed = settled.find((s) => s.status === 'rejected') as PromiseRejectedResult | undefined;
  if (!failed) return settled.map((s) => (s as PromiseFulfilledResult<unknown>).value) as unknown as T;
  await Promise.all(
    settled.map(async (s) => {
      const v = s.status === 'fulfilled' ? (s.value as { stop?: () => Promise<void> }) : undefined;
      await v?.stop?.().catch(() => {});
    }),
  );
  throw failed.reason;
}
