/// <reference lib="dom" />
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { type RunningBox, startBox } from '../support/api-box.js';
import { ROOT } from '../support/cli.js';
import { removeDir, requireBinary, tempDir, waitUntil } from '../support/process.js';
import { MEDIA_DIR, type RtspCamera, startRtspCamera } from '../support/rtsp-camera.js';

const TOKEN = 'console-T0ken';
/** Screenshots stay here after the run (gitignored): look at them. */
const ARTIFACTS = join(ROOT, 'test', 'artifacts', 'console');

const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--disable-sync',
];

const shot = (page: Page, name: string) =>
  page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });

/** A box on `cameras` (YAML lines) in a temp dir, and Chromium with a fresh profile (nothing remembered). */
async function openConsole(name: string, cameras: string[]) {
  const executablePath = requireBinary('chromium', 'chromium');
  mkdirSync(ARTIFACTS, { recursive: true });
  const dir = tempDir(name);
  const yaml = [
    `node: { id: edge-${name}, site: test }`,
    `dataDir: ${dir}/data`,
    'cameras:',
    ...cameras,
    'mqtt: { broker: { embedded: false } }',
    `api: { port: 0, token: ${TOKEN} }`,
    '',
  ].join('\n');
  const gw = await startBox(dir, yaml, TOKEN, { readyTimeoutMs: 15_000 });
  const browser = await chromium.launchPersistentContext(join(dir, 'profile'), {
    executablePath,
    headless: true,
    args: FLAGS,
    viewport: { width: 1366, height: 768 },
    locale: 'en-US',
  });
  return { dir, gw, browser };
}

describe('technician console in Chromium', () => {
  let cam: RtspCamera;
  let dir: string;
  let gw: RunningBox;
  let browser: BrowserContext;

  beforeAll(async () => {
    cam = await startRtspCamera();
    ({ dir, gw, browser } = await openConsole('console', [
      '  - id: cam1',
      '    name: "UK motorway (test camera)"',
      `    url: ${cam.url}`,
      '    detect: { fps: 8, motion: { enabled: false } }',
      '    countInterval: 3s',
    ]));
  });
  afterAll(async () => {
    await browser?.close();
    await gw?.stop();
    await cam?.stop();
    if (dir) removeDir(dir);
  });

  const pictureLoaded = (page: Page, selector: string) =>
    page.waitForFunction(
      (sel) => {
        const img = document.querySelector(sel) as HTMLImageElement | null;
        return !!img && img.complete && img.naturalWidth > 0;
      },
      selector,
      { timeout: 20_000 },
    );

  it('signs in, sees the camera streaming, draws a counting line on its picture and saves it; the box counts on it', async () => {
    const page = browser.pages()[0] ?? (await browser.newPage());
    await page.goto(gw.base);
    await page.locator('#token').fill(TOKEN);
    await page.getByRole('button', { name: 'Sign in' }).click();
    const card = page.locator('[data-camera="cam1"]');
    await expect
      .poll(() => card.locator('[data-state]').getAttribute('data-state'), { timeout: 20_000 })
      .toBe('streaming');
    await expect(card.locator('.pill').textContent()).resolves.toBe('Streaming');
    await pictureLoaded(page, '[data-camera="cam1"] img');
    await shot(page, 'laptop-cameras-en');

    await card.getByRole('link', { name: 'Lines & zones' }).click();
    await pictureLoaded(page, '#editor-frame');
    await page.locator('#draw-line').click();
    const frame = page.locator('#editor-frame');
    const box = (await frame.boundingBox())!;
    await page.mouse.click(box.x + box.width * 0.02, box.y + box.height * 0.6);
    await page.mouse.click(box.x + box.width * 0.98, box.y + box.height * 0.6);
    await page.locator('#line-0-dir0').fill('southbound');
    await page.locator('#line-0-dir0').dispatchEvent('change');
    await page.locator('#line-0-dir1').fill('northbound');
    await page.locator('#line-0-dir1').dispatchEvent('change');
    await shot(page, 'laptop-editor-drawn');
    await page.locator('#save-geometry').click();
    await page.locator('#editor-saved').waitFor({ timeout: 45_000 });
    await shot(page, 'laptop-editor-saved');
    // Once the camera runs with the line, the editor shows where the gateway detects closer: a band on it.
    await page.locator('#editor-overlay rect.region').first().waitFor({ timeout: 30_000 });
    const band = await page
      .locator('#editor-overlay rect.region')
      .first()
      .evaluate((r) => ({
        y: Number(r.getAttribute('y')),
        height: Number(r.getAttribute('height')),
      }));
    expect(band.y).toBeLessThan(600);
    expect(band.y + band.height).toBeGreaterThan(600);
    await expect(page.locator('#regions-note').isVisible()).resolves.toBe(true);
    await shot(page, 'laptop-editor-regions');

    // The line is in the config file, and the box counts on it.
    const written = parseDocument(readFileSync(gw.file, 'utf8')).toJS() as {
      cameras: { lines: { id: string; points: number[][]; directions: string[] }[] }[];
    };
    const [line] = written.cameras[0]!.lines;
    expect(line).toMatchObject({ id: 'line1', directions: ['southbound', 'northbound'] });
    const [[ax, ay], [bx, by]] = line!.points as [[number, number], [number, number]];
    for (const [got, want] of [
      [ax, 0.02],
      [ay, 0.6],
      [bx, 0.98],
      [by, 0.6],
    ] as const)
      expect(Math.abs(got - want)).toBeLessThan(0.01);
    // The gateway detects closer in a band around the new line (the dashboard's snapshot draws it).
    await waitUntil(
      'a detection region around line1',
      async () => {
        const res = await gw.call('/api/cameras');
        const [c] = (await res.json()) as { detect: { regions: { rect: number[] }[] } }[];
        return (c?.detect.regions ?? []).some(({ rect }) => rect[1]! < 0.6 && rect[3]! > 0.6);
      },
      { timeoutMs: 30_000, intervalMs: 500 },
    );
    await waitUntil(
      'a vehicle counted on line1',
      async () => {
        const res = await gw.call('/api/counts?camera=cam1&line=line1');
        const [l] = (await res.json()) as { intervals: { total: number }[] }[];
        return (l?.intervals ?? []).some((i) => i.total > 0);
      },
      { timeoutMs: 60_000, intervalMs: 500 },
    );
    await page.goto(`${gw.base}/#/counts/cam1`);
    await page.locator('[data-line="cam1/line1"] svg.bars rect').first().waitFor({ timeout: 20_000 });
    await shot(page, 'laptop-counts');
    // The dashboard's snapshot now shows the line.
    await page.goto(`${gw.base}/#/cameras`);
    await pictureLoaded(page, '[data-camera="cam1"] img');
    await expect
      .poll(() => page.locator('[data-camera="cam1"] .stats').textContent(), { timeout: 10_000 })
      .toContain('1 lines');
    await shot(page, 'laptop-cameras-with-line');
  });

  it('plays the live view', async () => {
    const page = await browser.newPage();
    await page.goto(`${gw.base}/#/live/cam1`);
    await page.locator('#live-state .pill.streaming').waitFor({ timeout: 20_000 });
    // JSMpeg decodes frames into the canvas (25 fps): a second's worth at least.
    await expect
      .poll(() => page.locator('#live-canvas').getAttribute('data-frames').then(Number), { timeout: 15_000 })
      .toBeGreaterThan(25);
    await shot(page, 'laptop-live');
    await page.close();
  });

  it('sensors say honestly that this box has none, alerts list none; Vietnamese labels; a phone-sized screen', async () => {
    const page = await browser.newPage();
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${gw.base}/#/sensors`);
    await page.locator('#not-configured').waitFor({ timeout: 10_000 });
    expect(await page.locator('#not-configured strong').textContent()).toBe('Not configured on this box');
    await shot(page, 'phone-sensors-en');

    await page.getByRole('button', { name: 'Tiếng Việt' }).click();
    await page.goto(`${gw.base}/#/alerts`);
    await page.locator('#alerts h2').first().waitFor({ timeout: 10_000 });
    expect(await page.locator('#alerts h2').allTextContents()).toEqual(['Đang mở (0)', 'Gần đây']);
    expect(await page.locator('#alerts p.muted').first().textContent()).toBe('Không có cảnh báo.');
    await shot(page, 'phone-alerts-vi');

    await page.goto(`${gw.base}/#/cameras`);
    await pictureLoaded(page, '[data-camera="cam1"] img');
    expect(await page.locator('[data-camera="cam1"] .pill').textContent()).toBe('Đang truyền');
    expect(await page.locator('nav .tab').allTextContents()).toEqual([
      'Camera',
      'Lưu lượng',
      'Cảm biến',
      'Cảnh báo',
    ]);
    // Nothing wider than the phone's screen.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await shot(page, 'phone-cameras-vi');

    await page.goto(`${gw.base}/#/editor/cam1`);
    await pictureLoaded(page, '#editor-frame');
    await page.locator('[data-line="line1"]').waitFor();
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await shot(page, 'phone-editor-vi');
    await page.goto(`${gw.base}/#/counts/cam1`);
    await page.locator('[data-line="cam1/line1"]').waitFor();
    await shot(page, 'phone-counts-vi');
    await page.close();
  });
});

describe('technician console: a counting line drawn where motorcycles are too small to be counted', () => {
  let dir: string;
  let gw: RunningBox;
  let browser: BrowserContext;

  beforeAll(async () => {
    const clip = pathToFileURL(join(MEDIA_DIR, 'jakarta_dense_traffic_motorcycles.mp4')).href;
    ({ dir, gw, browser } = await openConsole('console-high-line', [
      '  - id: jakarta',
      `    url: ${clip}`,
      '    detect: { fps: 10 }',
      '    lines: [{ id: high, points: [[0, 0.55], [1, 0.55]], directions: [down, up] }]',
    ]));
  });
  afterAll(async () => {
    await browser?.close();
    await gw?.stop();
    if (dir) removeDir(dir);
  });

  it("says on the line's counts card that motorcycles there are too small, with their size, in English and Vietnamese", async () => {
    // The motorcycles' height per row is learnt from the ones seen lower down, within the clip's first loop.
    await waitUntil(
      'the line judged too high',
      async () => {
        const res = await gw.call('/api/counts?camera=jakarta&line=high');
        const [l] = (await res.json()) as { size: { status: string; sizing?: boolean } | null }[];
        // Small still after the gateway grew its regions for it (`sizing` until then).
        return l?.size?.status === 'small' && !l.size.sizing;
      },
      { timeoutMs: 90_000, intervalMs: 1000 },
    );
    const page = browser.pages()[0] ?? (await browser.newPage());
    await page.goto(gw.base);
    await page.locator('#token').fill(TOKEN);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.goto(`${gw.base}/#/counts/jakarta`);
    const warning = page.locator('[data-line="jakarta/high"] [data-size="small"]');
    await warning.waitFor({ timeout: 20_000 });
    expect(await warning.locator('strong').textContent()).toBe(
      'Motorcycles at this line are too small to be counted well.',
    );
    expect(await warning.textContent()).toMatch(
      // Estimated from the cars' widths until enough motorcycles were seen to measure them.
      /Motorcycle height at the line \(model pixels\): \d+ \(\d+(\.\d)? %(, estimated from the cars' widths: too few motorcycles detected to measure)?\)/,
    );
    // Motorcycles there are about 22 of the camera's pixels tall: larger regions help, and it says how large.
    expect(await warning.locator('[data-suggest="regionWidth"]').textContent()).toMatch(
      /^detect\.regionWidth that would make them large enough: (1[5-9]|2[0-3])\d\d, detect\.budget ≥ [5-8](\.5)?$/,
    );
    await shot(page, 'laptop-counts-line-too-high');
    await page.getByRole('button', { name: 'Tiếng Việt' }).click();
    await page.goto(`${gw.base}/#/counts/jakarta`);
    await warning.waitFor({ timeout: 20_000 });
    expect(await warning.locator('strong').textContent()).toBe('Xe máy ở vạch này quá nhỏ để đếm chính xác.');
    await shot(page, 'laptop-counts-line-too-high-vi');
  });
});
