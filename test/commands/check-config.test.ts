import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { removeDir, tempDir } from '../support/process.js';

const dir = tempDir('check-config');
afterAll(() => removeDir(dir));

describe('ioc-edge check-config', () => {
  it('prints OK and exits 0 for the shipped default config', async () => {
    const r = await runCli(['check-config', 'config/default.yaml']);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/^OK .*default\.yaml: node demo-01, 1 camera\(s\)/);
    expect(r.code).toBe(0);
  });

  it('prints every problem with its path and exits 1', async () => {
    const file = join(dir, 'bad.yaml');
    writeFileSync(
      file,
      [
        'node: { id: edge-01, site: binh-duong }',
        'cameras:',
        '  - id: cam1',
        '    url: rtsp://user:${CAM1_PASS}@10.0.0.5:554/stream2',
        '    lines:',
        '      - { id: main, points: [[0, 0.5]] }',
        '    zones:',
        '      - { id: road, polygon: [[0.1, 0.4], [0.9, 0.4]] }',
        '',
      ].join('\n'),
    );
    const r = await runCli(['check-config', file], { env: { CAM1_PASS: '' } });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('3 problems');
    expect(r.stderr).toContain('cameras[0].url: environment variable CAM1_PASS is not set');
    expect(r.stderr).toContain('cameras[0].lines[0].points: expected 2 points, got 1');
    expect(r.stderr).toContain('cameras[0].zones[0].polygon: expected at least 3 points, got 2');
  });

  it('says when the file does not exist', async () => {
    const r = await runCli(['check-config', join(dir, 'missing.yaml')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('cannot read config: file not found');
  });

  it('refuses to run with a bad config before starting anything', async () => {
    const file = join(dir, 'bad-run.yaml');
    writeFileSync(file, `node: { id: edge-01, site: s }\napi: { port: 8080, prot: 1 }\n`);
    const r = await runCli(['run', '--config', file]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('api.prot: unknown key (did you mean "port"?)');
    expect(r.stdout).toBe('');
  });
});
