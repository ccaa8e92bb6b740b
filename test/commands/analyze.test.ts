import { execFile } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { filteredClip, LOW_SUN } from '../support/filtered-clip.js';
import { tempDir } from '../support/process.js';
import { NL_CLIP, REPO, testConfig } from '../support/vision.js';

const run = promisify(execFile);
const TSX = join(REPO, 'node_modules/.bin/tsx');
const CLI = join(REPO, 'src/cli.ts');

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function writeConfig(motion: boolean): string {
  testConfig(); // fails clearly when the model or clips are missing
  const dir = tempDir('analyze');
  dirs.push(dir);
  const file = join(dir, 'config.yaml');
  writeFileSync(
    file,
    [
      'node: { id: t, site: t }',
      `models: { dir: ${JSON.stringify(join(REPO, 'models'))} }`,
      'cameras:',
      '  - id: nl',
      `    url: file://${NL_CLIP}`,
      `    detect: { fps: 5, motion: { enabled: ${motion} } }`,
      '    lines: [{ id: main, points: [[0, 0.5], [1, 0.5]], directions: [down, up] }]',
      '  - id: other',
      `    url: file://${NL_CLIP}`,
    ].join('\n'),
  );
  return file;
}

async function analyze(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(TSX, [CLI, 'analyze', ...args], { cwd: REPO, timeout: 120_000 });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('ioc-edge analyze', () => {
  it('--json at the camera detect fps prints the report object', async () => {
    const config = writeConfig(true);
    const r = await analyze([NL_CLIP, '--config', config, '--camera', 'nl', '--json']);
    expect(r.stderr).not.toMatch(/\r/); // no progress bar when stderr is not a terminal
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(Object.keys(report).sort()).toEqual(
      [
        'counts',
        'detection',
        'fps',
        'frames',
        'incidents',
        'inference',
        'lineSizes',
        'motionSkipped',
        'seconds',
        'wallSeconds',
      ].sort(),
    );
    // 11.2 s at 5 fps
    expect(report.frames).toBeGreaterThanOrEqual(55);
    expect(report.frames).toBeLessThanOrEqual(57);
    expect(report.seconds).toBeCloseTo(11.2, 0);
    // Inferred frames: with the automatic regions around the line (regionsOn) or the whole picture alone.
    const { regionsOn, regionsOff, tiles } = report.detection;
    expect(tiles.length).toBeGreaterThan(1); // the band around the line
    expect(regionsOn + regionsOff + report.motionSkipped).toBe(report.frames);
    expect(regionsOn + regionsOff).toBeGreaterThan(50); // traffic all along: the gate lets almost all through
    // One inference per frame for the whole picture, one more per region on the frames that get them.
    expect(report.inference.runs).toBe(regionsOn + regionsOff + regionsOn * (tiles.length - 1));
    expect(report.inference.meanMs).toBeGreaterThan(0);
    expect(report.fps).toBeGreaterThan(0);
    // Clear air: the detector sees the pixels as they are.
    expect(report.detection.levelled).toEqual({ whole: 0, rows: 0 });
    // The analytics stage (issue 5) counts the NL cars crossing the line downward (ground truth 11 down,
    // 0 up; the tracker's exact accuracy is tested in test/analytics); no incidents on a free motorway.
    expect(report.counts.main.up.car).toBe(0);
    expect(report.counts.main.down.car).toBeGreaterThanOrEqual(8);
    expect(report.counts.main.down.car).toBeLessThanOrEqual(11);
    expect(report.incidents).toEqual([]);
    // No two-wheelers on this motorway: nothing to tell of their size at the line.
    expect(report.lineSizes).toEqual([{ line: 'main', heightPct: null, modelPx: null, status: 'unknown' }]);
  });

  it('--every-frame runs inference on every decoded frame (gate off)', async () => {
    const config = writeConfig(false);
    const r = await analyze([NL_CLIP, '--config', config, '--camera', 'nl', '--json', '--every-frame']);
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.frames).toBe(335);
    const { regionsOn, regionsOff, tiles } = report.detection;
    expect(regionsOn + regionsOff).toBe(335);
    expect(report.inference.runs).toBe(335 + regionsOn * (tiles.length - 1));
  });

  it('prints a readable summary without --json', async () => {
    const r = await analyze([NL_CLIP, '--config', writeConfig(true), '--camera', 'nl']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(
      /nl_motorway_overpass.mp4: \d+ frames, [\d.]+ s of video in [\d.]+ s \([\d.]+ fps\)/,
    );
    expect(r.stdout).toMatch(/inference: \d+ runs, mean [\d.]+ ms/);
    expect(r.stdout).not.toMatch(/model pixels tall/);
    expect(r.stdout).not.toMatch(/contrast stretched/);
  });

  it('tells on how many frames the contrast was stretched under a glare veil, row band by row band', async () => {
    const config = writeConfig(true);
    const dir = tempDir('analyze-sun');
    dirs.push(dir);
    const sun = filteredClip(dir, 'nl-sun', NL_CLIP, LOW_SUN, ['-t', '4']);
    const r = await analyze([sun, '--config', config, '--camera', 'nl', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const { levelled, regionsOn, regionsOff } = JSON.parse(r.stdout).detection;
    expect(levelled.whole).toBe(0);
    expect(levelled.rows).toBe(regionsOn + regionsOff);
    const text = await analyze([sun, '--config', config, '--camera', 'nl']);
    expect(text.stdout).toMatch(
      /contrast stretched for the detector on \d+ frames \(0 haze: the whole picture, \d+ glare: row band by row band\)/,
    );
  });

  it('a truncated file: the report of what could be decoded, flagged partial, a warning and exit code 3', async () => {
    const config = writeConfig(true);
    const dir = tempDir('analyze-cut');
    dirs.push(dir);
    // Index first (+faststart), then cut: ffmpeg decodes the first ~3 s and stops at "partial file".
    const whole = join(dir, 'whole.mp4');
    await run('ffmpeg', ['-v', 'error', '-y', '-i', NL_CLIP, '-c', 'copy', '-movflags', '+faststart', whole]);
    const cut = join(dir, 'cut.mp4');
    writeFileSync(cut, readFileSync(whole).subarray(0, 1_200_000));
    const r = await analyze([cut, '--config', config, '--camera', 'nl', '--json']);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/WARNING: .*cut\.mp4 is damaged or cut short \(ffmpeg: .*partial file\)/);
    const report = JSON.parse(r.stdout);
    expect(report.partial.reason).toMatch(/partial file/);
    expect(report.partial.expectedSeconds).toBeCloseTo(11.18, 1);
    expect(report.partial.decodedSeconds).toBeLessThan(6);
    expect(report.seconds).toBe(report.partial.decodedSeconds);
    // The whole file analyses clean.
    const ok = await analyze([whole, '--config', config, '--camera', 'nl', '--json']);
    expect(ok.code, ok.stderr).toBe(0);
    expect(JSON.parse(ok.stdout).partial).toBeUndefined();
  });

  it('gives clear errors for a missing file, an unknown or ambiguous camera', async () => {
    const config = writeConfig(true);
    const missing = await analyze(['/nonexistent/clip.mp4', '--config', config, '--camera', 'nl']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/\/nonexistent\/clip.mp4: no such file/);
    const unknown = await analyze([NL_CLIP, '--config', config, '--camera', 'nope']);
    expect(unknown.stderr).toMatch(/--camera nope: no such camera .* \(cameras: nl, other\)/);
    const ambiguous = await analyze([NL_CLIP, '--config', config]);
    expect(ambiguous.stderr).toMatch(
      /has 2 cameras: choose whose settings apply with --camera \(nl, other\)/,
    );
    const usage = await analyze([]);
    expect(usage.code).toBe(2);
  });
});
