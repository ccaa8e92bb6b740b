import { readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { connect } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  apiHealth,
  type GatewayProcess,
  logLines,
  startGatewayProcess,
  waitForApi,
  waitForSensors,
} from '../support/gateway-process.js';
import { type InfluxDb, startInfluxDb } from '../support/influxdb.js';
import type { Mosquitto } from '../support/mosquitto.js';
import { type GarbageRtspServer, resolutionChangeClip, startGarbageRtsp } from '../support/odd-streams.js';
import { freePort, removeDir, startTogether, tempDir, waitUntil } from '../support/process.js';
import { QosPublisher, startSensorBus } from '../support/sensor-bus.js';
import { generateFuzz } from '../support/sensor-fuzz.js';

/**
 * Bad input against the whole gateway (`ioc-edge run`): fuzzed MQTT payloads, malformed and oversized API
 * requests, cameras that send noise or lie in RTSP, a stream whose resolution changes. Every one is
 * refused or survived with a clear reason; the process never dies, and its memory does not grow.
 */
const dir = tempDir('bad-input');
const logFile = join(dir, 'gateway.log');
let bus: Mosquitto;
let influx: InfluxDb;
let noise: GarbageRtspServer;
let liar: GarbageRtspServer;
let gw: GatewayProcess;
let api: string;

beforeAll(async () => {
  let clip: string;
  [bus, influx, noise, liar, clip] = await startTogether([
    startSensorBus(),
    startInfluxDb(),
    startGarbageRtsp('noise'),
    startGarbageRtsp('lies'),
    resolutionChangeClip(),
  ] as const);
  await influx.createDatabase('ioc');
  const port = await freePort();
  api = `http://127.0.0.1:${port}`;
  const config = join(dir, 'gw.yaml');
  writeFileSync(
    config,
    [
      'node: { id: n1, site: s1 }',
      `dataDir: ${dir}/data`,
      'mqtt: { broker: { embedded: false } }',
      `api: { port: ${port} }`,
      `influx: { url: "${influx.url}", database: ioc, flushInterval: 200ms }`,
      'cameras:',
      `  - { id: noise, url: "${noise.url}", detect: { enabled: false } }`,
      `  - { id: liar, url: "${liar.url}", detect: { enabled: false } }`,
      `  - { id: resize, url: "file://${clip}", detect: { fps: 5 } }`,
      'sensors:',
      `  broker: ${bus.url}`,
      '  keepRejected: 100000',
      '  subscribe: ["sensors/#"]',
      '  devices:',
      '    - id: aq-01',
      '      type: air_quality',
      '      topic: sensors/aq-01/state',
      '      decoder: { type: json, fields: { pm25: pm2_5, seq: seq, temperature: env.temp }, time: ts }',
      '      metrics: { pm25: { min: 0, max: 1000 } }',
      '    - { id: lvl-01, type: water_level, topic: sensors/lvl-01/level, decoder: number }',
      '',
    ].join('\n'),
  );
  gw = startGatewayProcess(config, logFile);
  await waitForApi(gw, api, logFile);
  await waitForSensors(() => apiHealth(api), logFile);
}, 120_000);

afterAll(async () => {
  const code = await gw?.stop();
  await Promise.all([bus?.stop(), influx?.stop(), noise?.stop(), liar?.stop()]);
  removeDir(dir);
  expect(code).toBe(0);
});

/** Resident memory of the gateway process (kB → bytes). */
function rss(): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${gw.pid}/status`, 'utf8'));
  return Number(m?.[1]) * 1024;
}

async function heapUsed(): Promise<number> {
  const text = await (await fetch(`${api}/metrics`)).text();
  return Number(/^nodejs_heap_size_used_bytes\{[^}]*\} (\d+(?:\.\d+)?)/m.exec(text)?.[1]);
}

const health = () => apiHealth(api);

/** A raw HTTP request (fetch refuses huge headers and bad bytes before they leave). */
function raw(
  method: string,
  path: string,
  body?: Buffer | string,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    let answer: { status: number; body: string } | undefined;
    const req = request(`${api}${path}`, { method, headers, timeout: 30_000 }, (res) => {
      answer = { status: res.statusCode ?? 0, body: '' };
      res.on('data', (d) => {
        answer!.body += d;
      });
      res.on('end', () => resolve(answer!));
      res.on('error', () => resolve(answer!));
    });
    // The server may answer (413) and close before the whole body is sent: the answer is what counts.
    req.on('error', (err) => (answer ? resolve(answer) : reject(err)));
    if (body !== undefined) req.end(body);
    else req.end();
  });
}

/**
 * An oversized request as a careful client sends it: the head (with its Content-Length) first, the body
 * only if no answer came within a second. The API answers 413 from the head; a body sent anyway would
 * race the server's close (ECONNRESET) and lose the answer.
 */
function oversized(
  method: string,
  path: string,
  body: Buffer,
  contentType: string,
  extraHead = '',
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const url = new URL(api);
    const s = connect(Number(url.port), url.hostname);
    let got = '';
    const done = () => {
      clearTimeout(timer);
      const m = /^HTTP\/1\.1 (\d{3})[\s\S]*?\r\n\r\n([\s\S]*)$/.exec(got);
      if (m) resolve({ status: Number(m[1]), body: m[2]! });
      else reject(new Error(`no HTTP answer: ${JSON.stringify(got.slice(0, 200))}`));
    };
    s.on('data', (d) => {
      got += d.toString('latin1');
    });
    s.on('close', done);
    s.on('error', () => s.destroy());
    const timer = setTimeout(() => body.length > 0 && s.write(body), 1000);
    s.write(
      `${method} ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: ${contentType}\r\nContent-Length: ${body.length}\r\n${extraHead}Connection: close\r\n\r\n`,
    );
  });
}

const memory: Record<string, { rss: number; heap: number }> = {};

describe('bad input against the whole gateway', () => {
  it('18,000 fuzzed MQTT messages (12,600 bad): each rejected with its reason, the valid ones stored exactly once', async () => {
    const pub = new QosPublisher(bus.url, 'bad-input-publisher', 200);
    await pub.connect();
    const base = Date.now() - 3_600_000;
    const expected = new Map<string, number>();
    const valid = { aq: 0, lvl: 0 };
    let bad = 0;
    try {
      for (let round = 0; round < 3; round++) {
        const g = generateFuzz(6000, 2000 + round, base, valid.aq);
        for (const m of g.msgs) if (m.bad) expected.set(m.bad, (expected.get(m.bad) ?? 0) + 1);
        bad += g.bad;
        valid.aq += g.valid.aq;
        valid.lvl += g.valid.lvl;
        await pub.run(0, g.msgs.length, (i) => [g.msgs[i]!.topic, g.msgs[i]!.payload]);
        await waitUntil(
          'round handled',
          async () => (await health()).sensors.messages >= (round + 1) * 6000,
          {
            timeoutMs: 60_000,
            intervalMs: 200,
          },
        );
        if (round === 0) memory.afterFirstFuzzRound = { rss: rss(), heap: await heapUsed() };
      }
    } finally {
      await pub.end();
    }
    expect(bad).toBeGreaterThanOrEqual(10_000);
    const s = (await health()).sensors;
    expect(s.state).toBe('connected');
    expect(s.messages).toBe(18_000);
    expect(s.rejected.total).toBe(bad);
    expect(s.rejected).toMatchObject(Object.fromEntries(expected));

    const count = async (q: string) => Number((await influx.rows(q, 'ioc'))[0]?.count ?? 0);
    const aq = "SELECT count(seq) FROM sensor WHERE device = 'aq-01'";
    const lvl = "SELECT count(value) FROM sensor WHERE device = 'lvl-01'";
    await waitUntil(
      'valid readings in InfluxDB',
      async () => (await count(aq)) >= valid.aq && (await count(lvl)) >= valid.lvl,
      {
        timeoutMs: 60_000,
        intervalMs: 500,
      },
    );
    expect(await count(aq)).toBe(valid.aq);
    expect(await count("SELECT count(distinct(seq)) FROM sensor WHERE device = 'aq-01'")).toBe(valid.aq);
    expect(await count(lvl)).toBe(valid.lvl);
    expect(await count("SELECT count(distinct(value)) FROM sensor WHERE device = 'lvl-01'")).toBe(valid.lvl);
    console.log(
      `bad input: ${bad} bad of 18000 fuzzed messages, by reason ${JSON.stringify(Object.fromEntries(expected))}`,
    );
  }, 240_000);

  it('malformed and oversized API requests: each answered 4xx with a JSON error, never 5xx', async () => {
    const json = { 'content-type': 'application/json' };
    const camera = (extra: string) => `{"id":"x1","url":"rtsp://10.0.0.9/s"${extra}}`;
    const cases: [string, () => Promise<{ status: number; body: string }>, number][] = [
      [
        'a 2 MiB body',
        () => oversized('POST', '/api/cameras', Buffer.alloc(2 << 20, 'a'), 'application/json'),
        413,
      ],
      [
        'a 2 MiB config',
        // On a raw socket: the gateway answers 413 from the header and closes while a client may still be
        // writing the body (EPIPE for an HTTP client that stops at the write error).
        () =>
          oversized(
            'PUT',
            '/api/config',
            Buffer.from(`node: { id: n1, site: s1 }\n#${'x'.repeat(2 << 20)}\n`),
            'application/yaml',
          ),
        413,
      ],
      ['JSON cut short', () => raw('POST', '/api/cameras', '{"id": "x1", "url": ', json), 400],
      ['JSON nested 100,000 deep', () => raw('POST', '/api/cameras', '['.repeat(100_000), json), 400],
      [
        'invalid UTF-8 in JSON',
        () =>
          raw('POST', '/api/cameras', Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d]), json),
        400,
      ],
      [
        'text/plain body',
        () => raw('POST', '/api/cameras', camera(''), { 'content-type': 'text/plain' }),
        415,
      ],
      [
        'a form',
        () => raw('POST', '/api/cameras', 'id=x1', { 'content-type': 'application/x-www-form-urlencoded' }),
        415,
      ],
      ['unknown key in a camera', () => raw('POST', '/api/cameras', camera(',"bogus":1'), json), 400],
      ['a camera of the wrong type', () => raw('POST', '/api/cameras', '[1,2,3]', json), 400],
      [
        'a camera with a NUL in its id',
        () => raw('POST', '/api/cameras', camera('').replace('x1', 'x\\u00001'), json),
        400,
      ],
      [
        '20 KiB of headers',
        () =>
          oversized(
            'GET',
            '/api/health',
            Buffer.alloc(0),
            'application/json',
            `X-Pad: ${'a'.repeat(20 * 1024)}\r\n`,
          ),
        431,
      ],
      [
        'a YAML alias bomb as config',
        () =>
          raw(
            'PUT',
            '/api/config',
            `node: { id: n1, site: s1 }\na: &a [x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: [*d,*d,*d,*d,*d,*d,*d,*d,*d]\n`,
            { 'content-type': 'application/yaml' },
          ),
        400,
      ],
      [
        'broken YAML as config',
        () => raw('PUT', '/api/config', 'node: { id: n1\n', { 'content-type': 'application/yaml' }),
        400,
      ],
      [
        'a config with a duration of 30d',
        () =>
          raw('PUT', '/api/config', 'node: { id: n1, site: s1 }\ninflux: { timeout: 30d }\n', {
            'content-type': 'application/yaml',
          }),
        422,
      ],
      ['an unknown camera', () => raw('GET', '/api/cameras/nope/snapshot.jpg'), 404],
      [
        'a path escaping the API',
        () => raw('GET', '/api/cameras/..%2f..%2f..%2fetc%2fpasswd/snapshot.jpg'),
        404,
      ],
      ['an unknown route', () => raw('DELETE', '/api/everything'), 404],
    ];
    const before = { rss: rss(), heap: await heapUsed() };
    const wrong: string[] = [];
    // Each case many times over: a leak per bad request would show in the memory below.
    for (let rep = 0; rep < 20; rep++) {
      for (const [name, send, status] of cases) {
        const r = await send().catch((err: Error) => ({ status: -1, body: `${name}: ${err.message}` }));
        if (r.status !== status)
          wrong.push(`${name}: ${r.status} (expected ${status}) ${r.body.slice(0, 200)}`);
        else if (rep === 0) {
          const body = JSON.parse(r.body) as { error?: string };
          if (typeof body.error !== 'string' || body.error.length === 0)
            wrong.push(`${name}: no error text: ${r.body}`);
        }
      }
      if (wrong.length > 0) break;
    }
    expect(wrong).toEqual([]);
    memory.afterApiAbuse = { rss: rss(), heap: await heapUsed() };
    console.log(
      `bad input: API ${cases.length} kinds × 20, memory before ${JSON.stringify(before)} after ${JSON.stringify(memory.afterApiAbuse)}`,
    );
    expect((await fetch(`${api}/healthz`)).status).toBe(200);
    // The config file was never touched by the refused ones.
    expect((await (await fetch(`${api}/api/config`)).json()).config.cameras).toHaveLength(3);
  }, 240_000);

  it('cameras that send noise or lie in RTSP get a clear reason; a stream whose resolution changes keeps streaming', async () => {
    type Cam = { state: string; reason?: string; detail?: string; frames?: number };
    const cams = async () => (await health()).cameras as Record<string, Cam>;
    // Between attempts each waits in backoff with the reason of the last failure.
    const reasons: Record<string, Set<string>> = { noise: new Set(), liar: new Set() };
    await waitUntil(
      'both garbage cameras refused at least 3 times, each with a reason',
      async () => {
        const c = await cams();
        for (const id of ['noise', 'liar']) if (c[id]!.reason) reasons[id]!.add(c[id]!.reason!);
        return (
          noise.connections >= 3 &&
          liar.connections >= 3 &&
          ['noise', 'liar'].every((id) => c[id]!.state !== 'streaming' && c[id]!.reason !== undefined)
        );
      },
      { timeoutMs: 90_000, intervalMs: 200 },
    );
    const c = await cams();
    for (const id of ['noise', 'liar']) expect(c[id]!.state, JSON.stringify(c[id])).not.toBe('streaming');
    const framesOf = async () => {
      const res = await (await fetch(`${api}/api/cameras`)).json();
      return (res as { id: string; state: string; fps: { frame: number } }[]).find((x) => x.id === 'resize')!;
    };
    // Two passes of the 6 s clip (three resolutions each) with frames all along.
    const metric = async () => {
      const text = await (await fetch(`${api}/metrics`)).text();
      return Number(/^ioc_camera_frames_total\{[^}]*camera="resize"[^}]*\} (\d+)/m.exec(text)?.[1] ?? 0);
    };
    const first = await metric();
    await waitUntil(
      'resize camera: frames through the resolution changes',
      async () => (await metric()) >= first + 50,
      {
        timeoutMs: 60_000,
        intervalMs: 500,
      },
    );
    expect((await framesOf()).state).toBe('streaming');
    const lines = logLines(logFile);
    expect(lines.filter((l) => Number(l.level) >= 60)).toEqual([]);
    console.log(
      `bad input: camera reasons noise ${[...reasons.noise!]}, liar ${[...reasons.liar!]}; ${JSON.stringify(await cams())}`,
    );
  }, 180_000);

  it('memory does not grow: RSS and heap after all of it within bounds of after the first fuzz round', async () => {
    const now = { rss: rss(), heap: await heapUsed() };
    const first = memory.afterFirstFuzzRound!;
    console.log(
      `bad input: memory after the first fuzz round ${JSON.stringify(first)}, at the end ${JSON.stringify(now)}`,
    );
    expect(now.rss - first.rss).toBeLessThan(96 * 1024 * 1024);
    expect(now.heap - first.heap).toBeLessThan(48 * 1024 * 1024);
    expect(gw.alive()).toBe(true);
  });
});
