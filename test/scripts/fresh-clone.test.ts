import { execFile, execFileSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  realpathSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Store } from '../../src/store/store.js';
import { newBatch, Spool } from '../../src/timeseries/spool.js';
import {
  childPids,
  freePort,
  pidAlive,
  processName,
  removeDir,
  startProcess,
  tempDir,
  waitUntil,
} from '../support/process.js';

/**
 * What a user who clones the repository gets: the tracked files (working-tree content, so uncommitted edits
 * count) in a folder with no ../shared beside it, node_modules as `npm ci` would leave it (this checkout's
 * packages), then the README's commands: `./scripts/bootstrap.sh`, `npx ioc-edge ...`, `npm start`.
 */
const REPO = fileURLToPath(new URL('../..', import.meta.url));
const root = tempDir('fresh-clone');
const clone = join(root, 'clone');
const noShared = join(root, 'shared'); // empty: no media/
const env: NodeJS.ProcessEnv = {
  ...process.env,
  IOC_EDGE_SHARED: noShared,
  // A fresh npm cache (npx links the checkout's own bin there), offline: nothing is fetched.
  npm_config_cache: join(root, 'npm-cache'),
  npm_config_offline: 'true',
  npm_config_update_notifier: 'false',
};
beforeAll(copyCheckout);
afterAll(() => removeDir(root));

function copyCheckout(): void {
  const files = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], {
    cwd: REPO,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  })
    .split('\0')
    .filter(Boolean);
  for (const file of files) {
    const from = join(REPO, file);
    if (!existsSync(from)) continue; // deleted in the working tree
    mkdirSync(dirname(join(clone, file)), { recursive: true });
    copyFileSync(from, join(clone, file)); // keeps the mode (scripts stay executable)
  }
  mkdirSync(noShared, { recursive: true });
  // node_modules as `npm ci` leaves it: a folder of links to this checkout's packages (never one link to the
  // whole folder: an `npm ci` there would empty this checkout's node_modules through it).
  const installed = realpathSync(join(REPO, 'node_modules'));
  const modules = join(clone, 'node_modules');
  mkdirSync(modules);
  for (const name of readdirSync(installed)) {
    if (name === '.package-lock.json') copyFileSync(join(installed, name), join(modules, name));
    else symlinkSync(join(installed, name), join(modules, name));
  }
}

function run(command: string, args: string[], timeoutMs = 60_000) {
  return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(command, args, { cwd: clone, env, timeout: timeoutMs }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

/** Every process below `pid`, depth first. */
function descendants(pid: number): number[] {
  return childPids(pid).flatMap((c) => [c, ...descendants(c)]);
}

interface Health {
  cameras?: { demo?: { state: string } };
  vision?: { inference?: { runs: number }; cameras?: { demo?: { lastPtsMs: number } } };
}

describe('a fresh clone with no ../shared', () => {
  it('bootstraps, checks the config with npx ioc-edge, and runs the demo with npm start', async () => {
    const boot = await run('./scripts/bootstrap.sh', []);
    expect(boot.stderr + boot.stdout).toContain('bootstrap: ok');
    expect(boot.code).toBe(0);
    expect(boot.stdout).toContain(
      'npm start works without them; only the clip tests and benchmarks need media/',
    );
    expect(existsSync(join(clone, 'media'))).toBe(false);
    expect(lstatSync(join(clone, 'node_modules', 'tsx')).isSymbolicLink(), 'bootstrap ran npm ci').toBe(true);

    const check = await run('npx', ['ioc-edge', 'check-config', 'config/default.yaml']);
    expect(check.stdout).toBe(`OK ${join(clone, 'config', 'default.yaml')}: node demo-01, 1 camera(s)\n`);
    expect(check.code).toBe(0);

    const apiPort = await freePort();
    const mqttPort = await freePort();
    const gw = startProcess('npm start', 'npm', ['start'], {
      cwd: clone,
      env: { ...env, IOC_EDGE_API_PORT: String(apiPort), IOC_EDGE_MQTT_PORT: String(mqttPort) },
    });
    let tree: number[] = [];
    try {
      // Streaming, inferring, and past the first passing vehicles of the clip (~4 s and ~12 s in).
      await waitUntil(
        'demo camera streaming and detecting',
        async () => {
          const res = await fetch(`http://127.0.0.1:${apiPort}/api/health`, {
            signal: AbortSignal.timeout(1000),
          });
          const h = (await res.json()) as Health;
          return (
            h.cameras?.demo?.state === 'streaming' &&
            (h.vision?.inference?.runs ?? 0) > 0 &&
            (h.vision?.cameras?.demo?.lastPtsMs ?? 0) >= 14_000
          );
        },
        { server: gw, timeoutMs: 40_000, intervalMs: 250 },
      );
      tree = descendants(gw.pid);
      expect(tree.map(processName)).toEqual(expect.arrayContaining(['node', 'ffmpeg']));

      const stopped = Date.now();
      gw.child.kill('SIGTERM');
      const code = await Promise.race([
        gw.exited,
        new Promise((r) => setTimeout(() => r('timeout'), 12_000)),
      ]);
      expect(code, gw.output()).toBe(0);
      expect(Date.now() - stopped).toBeLessThan(10_000);
      await waitUntil('no process of the demo left', async () => tree.every((pid) => !pidAlive(pid)), {
        timeoutMs: 5000,
      });
    } finally {
      // Whatever is left (an orphaned gateway, its ffmpeg) is killed, so a failure leaves nothing running.
      const left = [...new Set([...tree, ...descendants(gw.pid)])].filter(pidAlive);
      await gw.stop();
      for (const pid of left) if (pidAlive(pid)) process.kill(pid, 'SIGKILL');
    }

    const out = gw.output();
    expect(out).toContain('"msg":"stopped"');
    expect(out).not.toContain('incident started'); // the parked cars are in parking zones
    expect(out).not.toMatch(/"level":(50|60)/);

    // The counts of the partial interval are written at shutdown: vehicles crossed the line.
    const store = new Store(join(clone, 'var', 'ioc-edge.db'));
    try {
      const batch = newBatch();
      new Spool(store, 1e9).read(0, Number.MAX_SAFE_INTEGER, 100_000, batch);
      const counts = batch.lines
        .slice(0, batch.length)
        .filter((l) => l.startsWith('traffic_count,camera=demo,'))
        .map((l) => Number(/ count=(\d+)i/.exec(l)?.[1]));
      expect(counts.length).toBeGreaterThan(0);
      expect(counts.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(1);
    } finally {
      store.close();
    }
  }, 120_000);

  it('bootstrap refuses a model that is not the committed file (a Git LFS pointer)', async () => {
    const pointer = 'version https://git-lfs.github.com/spec/v1\noid sha256:e8af07\nsize 3678356\n';
    const model = join(clone, 'models', 'yolox_nano.onnx');
    writeFileSync(model, pointer);
    try {
      const boot = await run('./scripts/bootstrap.sh', []);
      expect(boot.code).toBe(1);
      expect(boot.stderr).toContain('models/yolox_nano.onnx is not the committed file');
      expect(boot.stderr).toContain('Git LFS pointer');
    } finally {
      copyFileSync(join(REPO, 'models', 'yolox_nano.onnx'), model);
    }
  });
});
