import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { parseDocument } from 'yaml';
import { type RunningBox, startBox } from '../support/api-box.js';
import { freePort, removeDir, tempDir, waitUntil } from '../support/process.js';
import { parsePrometheus } from '../support/prometheus.js';
import { type RtspCamera, startRtspCamera } from '../support/rtsp-camera.js';

const TOKEN = 't0ken-Secret-42';

function config(dir: string, camUrl: string, deadPort: number, extra = ''): string {
  return [
    'node: { id: edge-api, site: test }',
    `dataDir: ${dir}/data`,
    'cameras:',
    '  - id: cam1',
    `    url: ${camUrl}`,
    '    detect: { enabled: false }',
    '  - id: dead',
    `    url: rtsp://127.0.0.1:${deadPort}/nothing`,
    '    detect: { enabled: false }',
    'mqtt: { broker: { embedded: false } }',
    `api: { port: 0, token: ${TOKEN} }`,
    extra,
    '',
  ].join('\n');
}

type CameraRow = { id: string; state: string; url: string };

describe('local API', () => {
  let cam: RtspCamera;
  let dir: string;
  let gw: RunningBox;
  const json = async <T = Record<string, unknown>>(res: Response | Promise<Response>) =>
    (await (await res).json()) as T;
  const cameras = () => json<CameraRow[]>(gw.call('/api/cameras'));
  const streaming = async (id: string) => (await cameras()).find((c) => c.id === id)?.state === 'streaming';

  beforeAll(async () => {
    cam = await startRtspCamera({ user: 'admin', password: 'hunter22' });
    dir = tempDir('api');
    gw = await startBox(dir, config(dir, cam.url, await freePort()), TOKEN, { readyTimeoutMs: 8000 });
    await waitUntil('cam1 streaming', () => streaming('cam1'), { timeoutMs: 20_000 });
  });
  afterAll(async () => {
    await gw?.stop();
    await cam?.stop();
    if (dir) removeDir(dir);
  });

  it('answers 401 without the token on every route but /healthz and the console files, 200 with it', async () => {
    const routes = gw.box.api.current!.routes;
    const guarded = routes.filter((r) => r.url.startsWith('/api/') || r.url === '/metrics');
    expect(guarded.length).toBeGreaterThanOrEqual(12);
    for (const r of guarded) {
      const path = r.url.replace(':id', 'cam1');
      const res = await gw.call(path, { method: r.method, auth: false });
      expect(res.status, `${r.method} ${path}`).toBe(401);
      await res.arrayBuffer();
    }
    const wrong = await gw.call('/api/health', {
      headers: { authorization: 'Bearer t0ken-Secret-43' },
      auth: false,
    });
    expect(wrong.status).toBe(401);
    expect((await gw.call('/healthz', { auth: false })).status).toBe(200);
    // No sensors on this box, and no alert with a picture named cam1: those answer 404 by design.
    const absent = new Set(['/api/sensors', '/api/alerts/:id/evidence.jpg']);
    for (const r of guarded.filter((x) => x.method === 'GET' && !x.url.endsWith('live.ws'))) {
      const res = await gw.call(r.url.replace(':id', 'cam1'));
      expect(res.status, `GET ${r.url}`).toBe(absent.has(r.url) ? 404 : 200);
      await res.arrayBuffer();
    }
    const page = await gw.call('/', { auth: false });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('/console/main.js');
  });

  it('refuses other host names (DNS rebinding) and cross-origin browser requests', async () => {
    // fetch() will not send another Host header: a raw request does, as a rebound browser would.
    const rebinding = await new Promise<number>((resolve, reject) => {
      const req = request(`${gw.base}/api/health`, {
        headers: { host: 'attacker.example:8080', authorization: `Bearer ${TOKEN}` },
      });
      req.on('response', (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end();
    });
    expect(rebinding).toBe(421);
    const cross = await gw.call('/api/cameras/cam1/live', {
      method: 'POST',
      headers: { origin: 'http://attacker.example' },
    });
    expect(cross.status).toBe(403);
    const same = await gw.call('/api/health', { headers: { origin: gw.base } });
    expect(same.status).toBe(200);
    const plain = await gw.call('/api/cameras/cam1/lines', {
      method: 'PUT',
      headers: { 'content-type': 'text/plain' },
      body: '[]',
    });
    expect(plain.status).toBe(415);
  });

  it('reports health overall and per part, and Prometheus metrics with per-camera series', async () => {
    const h = await json<{
      status: string;
      components: Record<string, string>;
      cameras: Record<string, { state: string }>;
    }>(gw.call('/api/health'));
    expect(h.components).toMatchObject({ cameras: 'degraded', timeseries: 'ok' });
    expect(h.status).toBe('degraded');
    expect(h.cameras.cam1!.state).toBe('streaming');
    expect(JSON.stringify(h)).not.toContain('hunter22');

    const res = await gw.call('/metrics');
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const samples = parsePrometheus(await res.text());
    const state = samples.find(
      (s) => s.name === 'ioc_camera_state' && s.labels.camera === 'cam1' && s.labels.state === 'streaming',
    );
    expect(state).toMatchObject({ value: 1, labels: { node: 'edge-api', site: 'test' } });
    for (const kind of ['frame', 'processed', 'detect']) {
      expect(
        samples.some(
          (s) => s.name === 'ioc_camera_fps' && s.labels.camera === 'dead' && s.labels.kind === kind,
        ),
      ).toBe(true);
    }
    expect(samples.some((s) => s.name === 'ioc_camera_frames_total' && s.labels.camera === 'cam1')).toBe(
      true,
    );
  });

  it('validates request bodies against the config schema and names every problem by its path', async () => {
    const bad = await json<{ problems: { path: string; message: string }[] }>(
      gw.call('/api/cameras/cam1/lines', {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify([{ id: 'Main', points: [[0, 0.5]], color: 'red' }]),
      }),
    );
    const paths = bad.problems.map((p) => p.path);
    expect(paths).toEqual(expect.arrayContaining(['body[0].id', 'body[0].points', 'body[0].color']));
    // A zone whose corners were clicked out of order (a bow tie) in the console's editor: refused when the
    // camera's config with it is checked, by its path there.
    const bowTie = await json<{ problems: { path: string; message: string }[] }>(
      gw.call('/api/cameras/cam1/zones', {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify([
          {
            id: 'road',
            polygon: [
              [0.1, 0.4],
              [0.9, 0.9],
              [0.9, 0.4],
              [0.1, 0.9],
            ],
          },
        ]),
      }),
    );
    expect(bowTie.problems).toEqual([
      {
        path: 'cameras[0].zones[0].polygon',
        message: expect.stringContaining('the border crosses itself'),
      },
    ]);
    const unknown = await gw.call('/api/cameras', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ id: 'x', url: 'ftp://nowhere', colour: 1 }),
    });
    expect(unknown.status).toBe(400);
    const body = await json<{ problems: { path: string }[] }>(unknown);
    expect(body.problems.map((p) => p.path)).toEqual(expect.arrayContaining(['body.colour']));
  });

  it('refuses to add a camera that does not answer, with the probe reason, and changes nothing', async () => {
    const before = readFileSync(gw.file, 'utf8');
    const res = await gw.call('/api/cameras', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ id: 'cam9', url: `rtsp://127.0.0.1:${await freePort()}/stream` }),
    });
    expect(res.status).toBe(422);
    const body = await json<{ error: string; reason: string }>(res);
    expect(body.reason).toBe('unreachable');
    expect(body.error).toMatch(/camera probe failed: unreachable/);
    const wrongPass = await gw.call('/api/cameras', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ id: 'cam9', url: cam.url.replace('hunter22', 'wrong') }),
    });
    expect(await json(wrongPass)).toMatchObject({ reason: 'unauthorized' });
    expect(readFileSync(gw.file, 'utf8')).toBe(before);
  });

  it('live view: a ticket for the API port streams MPEG-TS; an unreachable camera answers 502 with why', async () => {
    const live = await json<{ url: string }>(gw.call('/api/cameras/cam1/live', { method: 'POST' }));
    expect(live.url).toMatch(/^\/api\/cameras\/cam1\/live\.ws\?ticket=/);
    const wsUrl = `${gw.base.replace('http', 'ws')}${live.url}`;
    const ws = new WebSocket(wsUrl, { headers: { origin: gw.base } });
    let first: Buffer | undefined;
    let bytes = 0;
    await new Promise<void>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error('no video over the websocket')), 15_000);
      ws.on('message', (d: Buffer) => {
        first ??= Buffer.from(d);
        bytes += d.length;
        if (bytes > 20_000) {
          clearTimeout(t);
          resolve();
        }
      });
      ws.on('error', reject);
    });
    expect(first![0]).toBe(0x47); // MPEG-TS sync byte: whole packets only
    expect(bytes % 188).toBe(0);
    ws.close();
    // A ticket is good once.
    const again = new WebSocket(wsUrl, { headers: { origin: gw.base } });
    const status = await new Promise<number>((resolve) => {
      again.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      again.on('open', () => resolve(101));
      again.on('error', () => resolve(-1));
    });
    expect(status).toBe(401);

    const started = Date.now();
    const dead = await gw.call('/api/cameras/dead/live', { method: 'POST' });
    expect(dead.status).toBe(502);
    expect(await json(dead)).toMatchObject({ reason: 'unreachable' });
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('config: shown with secrets masked; a masked round trip keeps them; put applies or rolls back', async () => {
    const shown = await json<{ config: { cameras: { url: string }[]; api: { token: string } } }>(
      gw.call('/api/config'),
    );
    expect(JSON.stringify(shown)).not.toContain('hunter22');
    expect(JSON.stringify(shown)).not.toContain(TOKEN);
    expect(shown.config.cameras[0]!.url).toContain(':***@');

    const put = (body: unknown) =>
      gw.call('/api/config', {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });

    const renamed = { ...shown.config, node: { id: 'edge-api', site: 'test', name: 'Renamed box' } };
    const ok = await put(renamed);
    expect(ok.status).toBe(200);
    expect(await json(ok)).toMatchObject({ status: 'applied' });
    const file = readFileSync(gw.file, 'utf8');
    expect(file).toContain('hunter22');
    expect(file).toContain(TOKEN);
    expect(file).toContain('Renamed box');
    await waitUntil('cam1 streaming again', () => streaming('cam1'), { timeoutMs: 20_000 });

    const invalid = await put({ ...renamed, node: { id: 'Bad Id', site: 'test' } });
    expect(invalid.status).toBe(400);
    expect((await json<{ problems: { path: string }[] }>(invalid)).problems.map((p) => p.path)).toContain(
      'body.node.id',
    );

    const duplicate = await gw.call('/api/config', {
      method: 'PUT',
      headers: { 'content-type': 'application/yaml' },
      body: `${readFileSync(gw.file, 'utf8')}`.replace('id: dead', 'id: cam1'),
    });
    expect(duplicate.status).toBe(422);
    expect((await json<{ problems: { path: string }[] }>(duplicate)).problems.map((p) => p.path)).toContain(
      'cameras[1].id',
    );

    const before = readFileSync(gw.file, 'utf8');
    const broken = structuredClone(renamed);
    broken.cameras[0]!.url = broken.cameras[0]!.url.replace(/\/cam$/, '/nowhere');
    const rolled = await put(broken);
    expect(rolled.status).toBe(409);
    const body = await json<{ status: string; failures: string[] }>(rolled);
    expect(body.status).toBe('rolled_back');
    expect(body.failures.join()).toMatch(/camera cam1 is \w+, not streaming/);
    expect(readFileSync(gw.file, 'utf8')).toBe(before);
    await waitUntil('cam1 streaming after the rollback', () => streaming('cam1'), { timeoutMs: 20_000 });
  });

  it('adds a camera that streams (probed, applied), and removes it', async () => {
    const res = await gw.call('/api/cameras', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ id: 'cam2', url: cam.url, detect: { enabled: false } }),
    });
    expect(res.status).toBe(201);
    expect(await json(res)).toMatchObject({ status: 'applied', camera: 'cam2' });
    expect((await cameras()).map((c) => c.id)).toEqual(['cam1', 'dead', 'cam2']);
    const del = await gw.call('/api/cameras/cam2', { method: 'DELETE' });
    expect(await json(del)).toMatchObject({ status: 'applied' });
    expect((await cameras()).map((c) => c.id)).toEqual(['cam1', 'dead']);
  });

  it('restarts the API on a new port when api.port changes, after answering the request that changed it', async () => {
    const port = await freePort();
    const doc = parseDocument(readFileSync(gw.file, 'utf8'));
    doc.setIn(['api', 'port'], port);
    const text = doc.toString();
    const res = await gw.call('/api/config', {
      method: 'PUT',
      headers: { 'content-type': 'application/yaml' },
      body: text,
    });
    expect(await json(res)).toMatchObject({ status: 'applied' });
    await waitUntil('API on the new port', async () => gw.box.api.url === `http://127.0.0.1:${port}`);
    const h = await fetch(`http://127.0.0.1:${port}/api/health`, {
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    expect(h.status).toBe(200);
  });
});
