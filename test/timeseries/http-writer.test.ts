import { createServer, type IncomingMessage, type Server } from 'node:http';
import { gunzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { HttpWriter, parseRetryAfter } from '../../src/timeseries/http-writer.js';
import { removeDir, tempDir } from '../helpers/process.js';
import { eventually, influxConfig, makeService } from './support.js';

interface Seen {
  at: number;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

/** A real HTTP server answering each request with the next scripted status (then 204). */
async function scriptedServer(script: { status: number; headers?: Record<string, string>; body?: string }[]) {
  const seen: Seen[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      const body = req.headers['content-encoding'] === 'gzip' ? gunzipSync(raw).toString() : raw.toString();
      seen.push({ at: Date.now(), url: req.url!, headers: req.headers, body });
      const next = script.shift() ?? { status: 204 };
      res.writeHead(next.status, next.headers);
      res.end(next.body ?? '');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  return { url: `http://127.0.0.1:${port}`, seen, close: () => new Promise((r) => server.close(r)) };
}

describe('HTTP writer', () => {
  let cleanup: (() => Promise<unknown>)[] = [];
  afterEach(async () => {
    for (const c of cleanup.reverse()) await c();
    cleanup = [];
  });

  it('v2: Token auth, org/bucket/precision, gzip; honours Retry-After on 503 and keeps data across 401', async () => {
    const srv = await scriptedServer([
      { status: 401, body: '{"code":"unauthorized","message":"unauthorized access"}' },
      { status: 503, headers: { 'retry-after': '1' } },
    ]);
    cleanup.push(srv.close);
    const dir = tempDir('ts-http');
    const { service: ts, store } = makeService(
      dir,
      influxConfig({
        url: `${srv.url}/base/`,
        api: 'v2',
        org: 'my org',
        bucket: 'b1',
        token: 'T0k',
        precision: 'ns',
      }),
    );
    cleanup.push(async () => {
      await ts.stop();
      store.close();
      removeDir(dir);
    });
    await ts.start();
    ts.write({ measurement: 'm', fields: { v: 1 }, time: 5 });
    await ts.flush();
    await eventually('three requests', () => srv.seen.length === 3 && ts.spool.depth === 0, 15_000);
    const [a, b, c] = srv.seen as [Seen, Seen, Seen];
    expect(a.url).toBe('/base/api/v2/write?org=my+org&bucket=b1&precision=ns');
    expect(a.headers.authorization).toBe('Token T0k');
    expect(a.headers['content-encoding']).toBe('gzip');
    expect(a.body).toBe('m,node=n1,site=bd v=1 5000000');
    expect(b.body).toBe(a.body);
    expect(c.body).toBe(a.body);
    expect(c.at - b.at).toBeGreaterThanOrEqual(990); // Retry-After: 1
    expect(ts.drainer!.lastError?.message).toBe('HTTP 503: (empty body)');
    expect(ts.health().totals).toMatchObject({ sent: 1, deadLettered: 0 });
  });

  it('v1: db, rp, precision and Basic auth; URL credentials become Basic auth', async () => {
    const srv = await scriptedServer([]);
    cleanup.push(srv.close);
    const w = new HttpWriter({
      url: srv.url,
      api: 'v1',
      database: 'ioc',
      retentionPolicy: 'week',
      username: 'u',
      password: 'p:w',
      gzip: false,
      timeoutMs: 1000,
    });
    expect(await w.write(['a v=1 1', 'b v=2 2'], 0, 2, 'us')).toEqual({ kind: 'ok' });
    const fromUrl = new HttpWriter({
      url: srv.url.replace('http://', 'http://admin:s%40cret@'),
      api: 'v1',
      database: 'ioc',
      gzip: false,
      timeoutMs: 1000,
    });
    expect(fromUrl.safeUrl).not.toContain('cret');
    await fromUrl.write(['a v=1 1'], 0, 1, 'ms');
    expect(srv.seen[0]).toMatchObject({
      url: '/write?db=ioc&rp=week&precision=u',
      body: 'a v=1 1\nb v=2 2',
      headers: { authorization: `Basic ${Buffer.from('u:p:w').toString('base64')}` },
    });
    expect(srv.seen[1]!.headers.authorization).toBe(
      `Basic ${Buffer.from('admin:s@cret').toString('base64')}`,
    );
  });

  it('classifies outcomes: connection refused and timeouts retry, 400 rejects with the server message', async () => {
    const srv = await scriptedServer([
      { status: 400, body: '{"error":"unable to parse \'x\': missing fields"}' },
    ]);
    cleanup.push(srv.close);
    const w = new HttpWriter({ url: srv.url, api: 'v1', database: 'd', gzip: true, timeoutMs: 1000 });
    expect(await w.write(['x'], 0, 1, 'ms')).toEqual({
      kind: 'rejected',
      status: 400,
      message: "HTTP 400: unable to parse 'x': missing fields",
    });
    await srv.close();
    const r = await w.write(['x'], 0, 1, 'ms');
    expect(r.kind).toBe('retry');
    expect(parseRetryAfter('120')).toBe(120_000);
    expect(parseRetryAfter(new Date(Date.now() + 5000).toUTCString())).toBeGreaterThan(3000);
    expect(parseRetryAfter('soon')).toBeUndefined();
  });
});
