// A gateway run for benchmarks and soaks: its config text for N cameras, started from dist/ (as production runs it) or from source.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, startCli } from './cli.js';
import { freePort, type ServerProcess, startProcess, waitUntil } from './process.js';

/** One camera of a generated gateway config: a single URL, or inputs with roles. */
export interface CameraSpec {
  id: string;
  url?: string;
  inputs?: { url: string; roles: ('detect' | 'record')[] }[];
  detectFps?: number;
  motion?: boolean;
  clips?: boolean;
}

export interface GatewayConfigOptions {
  dataDir: string;
  cameras: readonly CameraSpec[];
  brokerPort: number;
  /** A counting line across the middle of each camera (default true). */
  lines?: boolean;
  /** Extra top-level YAML (detector settings...). */
  extra?: string[];
}

/**
 * A whole-gateway config like the demo's (embedded broker, uplink to it, one sensor, API on a free port,
 * time series in the local spool) with the given cameras, each with a counting line at y = 0.5.
 */
export function gatewayConfig(o: GatewayConfigOptions): string {
  const lines = [
    'node: { id: bench-01, site: bench }',
    'log: { level: info }',
    `dataDir: ${JSON.stringify(o.dataDir)}`,
    `models: { dir: ${JSON.stringify(join(ROOT, 'models'))} }`,
    ...(o.extra ?? []),
    o.cameras.length === 0 ? 'cameras: []' : 'cameras:',
  ];
  for (const c of o.cameras) {
    lines.push(`  - id: ${c.id}`);
    if (c.url) lines.push(`    url: ${JSON.stringify(c.url)}`);
    if (c.inputs) {
      lines.push('    inputs:');
      for (const i of c.inputs)
        lines.push(`      - { url: ${JSON.stringify(i.url)}, roles: [${i.roles.join(', ')}] }`);
    }
    lines.push(
      `    detect: { fps: ${c.detectFps ?? 5}, motion: { enabled: ${c.motion ?? true} } }`,
      `    clips: { enabled: ${c.clips ?? false}, maxBytes: 50MB }`,
    );
    if (o.lines !== false)
      lines.push('    lines: [{ id: mid, points: [[0, 0.5], [1, 0.5]], directions: [down, up] }]');
  }
  lines.push(
    `mqtt: { broker: { embedded: true, host: 127.0.0.1, port: ${o.brokerPort} } }`,
    'sensors:',
    `  broker: mqtt://127.0.0.1:${o.brokerPort}`,
    '  devices:',
    '    - { id: aq1, type: air_quality, topic: sensors/aq1/state, decoder: { type: json, fields: { pm25: pm2_5 } } }',
    `uplink: { mqtt: { url: "mqtt://127.0.0.1:${o.brokerPort}", protocolVersion: 4 } }`,
    'api: { host: 127.0.0.1, port: 0 }',
    '',
  );
  return lines.join('\n');
}

export interface GatewayProcess {
  proc: ServerProcess;
  pid: number;
  /** API base URL. */
  api: string;
  stop(): Promise<void>;
}

/** Compiles the gateway and its console into dist/ (what production runs: `node dist/cli.js`). */
export function buildGateway(): void {
  execFileSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: ROOT, stdio: 'inherit' });
  if (!existsSync(join(ROOT, 'dist', 'web'))) {
    execFileSync('npx', ['tsx', 'scripts/build-web.ts'], { cwd: ROOT, stdio: 'inherit' });
  }
}

/**
 * Starts `ioc-edge run` on a config text written to `<dir>/gateway.yaml`: from dist/ as production runs it
 * (`built`, after buildGateway()), else from source through tsx. Resolves once it logs "running" and its API
 * answers.
 */
export async function startGateway(
  configText: string,
  dir: string,
  options: {
    built?: boolean;
    /** Another checkout's build to run (its dist/cli.js), e.g. an earlier version for a before/after. */
    root?: string;
    env?: NodeJS.ProcessEnv;
    nodeArgs?: string[];
    timeoutMs?: number;
  } = {},
): Promise<GatewayProcess> {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'gateway.yaml');
  writeFileSync(file, configText);
  const env = { NODE_ENV: 'production', ...options.env };
  const proc = options.built
    ? startProcess(
        'ioc-edge',
        process.execPath,
        [...(options.nodeArgs ?? []), join(options.root ?? ROOT, 'dist', 'cli.js'), 'run', '--config', file],
        { cwd: options.root ?? ROOT, env: { ...process.env, ...env } },
      )
    : startCli(['run', '--config', file], env);
  try {
    await waitUntil('gateway running', async () => proc.output().includes('"msg":"running"'), {
      server: proc,
      timeoutMs: options.timeoutMs ?? 60_000,
    });
  } catch (err) {
    await proc.stop();
    throw err;
  }
  const api = /"url":"(http:\/\/127\.0\.0\.1:\d+)","msg":"API listening"/.exec(proc.output())?.[1];
  if (!api) {
    await proc.stop();
    throw new Error(`gateway: no "API listening" line\n${proc.output()}`);
  }
  return { proc, pid: proc.pid, api, stop: () => proc.stop(15_000) };
}

/** The cameras as GET /api/cameras lists them. */
export async function cameraList(api: string): Promise<Array<{ id: string; state: string }>> {
  const res = await fetch(`${api}/api/cameras`, { signal: AbortSignal.timeout(5000) });
  if (!res.ok) throw new Error(`GET /api/cameras: ${res.status}`);
  return (await res.json()) as Array<{ id: string; state: string }>;
}

/** Waits until every camera of the gateway streams. */
export async function waitAllStreaming(api: string, count: number, timeoutMs = 60_000): Promise<void> {
  await waitUntil(
    `${count} cameras streaming`,
    async () => {
      const list = await cameraList(api);
      return list.length === count && list.every((c) => c.state === 'streaming');
    },
    { timeoutMs, intervalMs: 500 },
  );
}

export { freePort };
