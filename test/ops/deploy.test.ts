import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../support/cli.js';
import { requireBinary } from '../support/process.js';

function unitSettings(text: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  let section = '';
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const s = /^\[(\w+)\]$/.exec(line);
    if (s) {
      section = s[1]!;
      continue;
    }
    const [k, ...v] = line.split('=');
    const key = `${section}.${k}`;
    out.set(key, [...(out.get(key) ?? []), v.join('=')]);
  }
  return out;
}

describe('systemd unit', () => {
  const file = join(ROOT, 'systemd', 'ioc-edge.service');

  it('passes systemd-analyze verify without a warning', () => {
    const analyze = requireBinary('systemd-analyze', 'systemd');
    // verify prints problems on stderr and may still exit 0: nothing printed is the bar.
    const out = execFileSync(analyze, ['verify', file], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    expect(out).toBe('');
    const err = execFileSync('sh', ['-c', `"${analyze}" verify "${file}" 2>&1 >/dev/null`], {
      encoding: 'utf8',
    });
    expect(err).toBe('');
  });

  it('is a notify service with a watchdog, restarts forever, runs as its own user, hardened, logs to the journal', () => {
    const u = unitSettings(readFileSync(file, 'utf8'));
    const one = (k: string) => u.get(k)?.at(-1);
    expect(one('Service.Type')).toBe('notify');
    expect(Number.parseInt(one('Service.WatchdogSec') ?? '0', 10)).toBeGreaterThan(0);
    expect(one('Service.Restart')).toBe('always');
    expect(one('Unit.StartLimitIntervalSec')).toBe('0');
    expect(one('Service.StateDirectory')).toBe('ioc-edge');
    expect(one('Service.User')).toBe('ioc-edge');
    expect(one('Service.NoNewPrivileges')).toBe('true');
    expect(one('Service.ProtectSystem')).toBe('strict');
    expect(one('Service.PrivateTmp')).toBe('true');
    expect(one('Service.ProtectHome')).toBe('true');
    expect(one('Service.StandardOutput')).toBe('journal');
    // The config directory is written when a config is applied: writable despite ProtectSystem=strict.
    expect(one('Service.ReadWritePaths')).toContain('/etc/ioc-edge');
  });
});

/** hadolint is not packaged for Debian 12: the rules that matter here, checked on the Dockerfile's structure. */
describe('Dockerfile', () => {
  const text = readFileSync(join(ROOT, 'Dockerfile'), 'utf8').replace(/\\\n/g, ' ');
  const instructions = text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'))
    .map((l) => {
      const [op, ...rest] = l.split(/\s+/);
      return { op: op!.toUpperCase(), args: rest.join(' ') };
    });
  const stages: (typeof instructions)[] = [];
  for (const i of instructions) {
    if (i.op === 'FROM') stages.push([]);
    stages.at(-1)?.push(i);
  }
  const final = stages.at(-1)!;

  it('is multi-stage: builds (gateway and console) in one stage, runs from pinned slim images in another', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    for (const from of instructions.filter((i) => i.op === 'FROM'))
      expect(from.args).toMatch(/^node:\d+-bookworm-slim\b/);
    expect(stages[0]!.some((i) => i.op === 'RUN' && /npm ci\b/.test(i.args))).toBe(true);
    expect(stages[0]!.some((i) => i.op === 'RUN' && /npm run build/.test(i.args))).toBe(true);
    expect(stages[0]!.some((i) => i.op === 'COPY' && /^web\b/.test(i.args))).toBe(true);
    expect(final.some((i) => i.op === 'COPY' && /--from=build .*dist/.test(i.args))).toBe(true);
  });

  it('installs ffmpeg from the distribution the lean way, ships the model, runs as a non-root user', () => {
    const runs = final.filter((i) => i.op === 'RUN').map((i) => i.args);
    const install = runs.find((r) => /apt-get install/.test(r))!;
    expect(install).toMatch(/--no-install-recommends/);
    expect(install).toMatch(/\bffmpeg\b/);
    expect(install).toMatch(/rm -rf \/var\/lib\/apt\/lists/);
    for (const r of runs.filter((x) => /apt-get install/.test(x))) expect(r).toMatch(/apt-get update/);
    expect(final.some((i) => i.op === 'COPY' && /^models\/?\s/.test(i.args))).toBe(true);
    const user = final.filter((i) => i.op === 'USER').at(-1)?.args;
    expect(user).toBeDefined();
    expect(user).not.toMatch(/^(root|0)(:|$)/);
    expect(instructions.some((i) => i.op === 'ADD')).toBe(false);
  });

  it('has a HEALTHCHECK on /healthz and an exec-form entrypoint under an init', () => {
    const hc = final.find((i) => i.op === 'HEALTHCHECK');
    expect(hc?.args).toMatch(/\/healthz/);
    const entry = final.find((i) => i.op === 'ENTRYPOINT')!;
    expect(JSON.parse(entry.args)).toEqual(expect.arrayContaining(['/usr/bin/tini', 'node']));
  });
});
