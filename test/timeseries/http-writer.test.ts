import { createServer, type IncomingMessage, type Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createHttpWriter,
  type HttpWriterOptions,
  parseRetryAfter,
} from '../../src/timeseries/http-writer.js';
import { onBody } from '../support/held-writes.js';
import { removeDir, tempDir } from '../support/process.js';
import { eventually, influxConfig, makeService } from '../support/timeseries.js';

interface Seen {
  at: number;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

type Answer = { status: number; headers?: Record<string, string>; body?: string } | 'hang';

/** A real HTTP server answering each request with the next scripted answer (then 204); 'hang' never answers. */
async function scriptedServer(script: Answer[]) {
  const seen: Seen[] = [];
  let open = 0;
  const server: Server = createServer((req, res) => {
    onBody(req, (body) => {
      seen.push({ at: Date.now(), url: req.url!, headers: req.headers, body });
      const next = script.shift() ?? { status: 204 };
      if (next === 'hang') return;
      res.writeHead(next.status, next.headers);
      res.end(next.body ?? '');
    });
  });
  server.on('connection', (socket) => {
    open++;
    socket.on('close', () => open--);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    /** Client connections the server still has open. */
    openConnections: () => open,
    close: () =>
      new Promise((r) => {
        server.close(r);
        server.closeAllConnections();
      }),
  };
}

/** A v2 writer for org `o`, bucket `b` (gzip on, 2 s timeout unless overridden). */
function v2Writer(url: string, opts: Partial<HttpWriterOptions> = {}) {
  return createHttpWriter({ url, api: 'v2', org: 'o', bucket: 'b', gzip: true, timeoutMs: 2000, ...opts });
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

  it('v2 classifies each answer exactly: 2xx ok, 400/422 rejected with the message, 503 Retry-After, 401', async () => {
    const srv = await scriptedServer([
      {
        status: 400,
        headers: { 'content-type': 'application/json; charset=utf-8' },
        body: '{"code":"invalid","message":"unable to parse \'x\': missing fields"}',
      },
      { status: 422, body: 'points beyond retention policy dropped=1' },
      { status: 400, headers: { 'x-influxdb-error': 'partial write: field type conflict' } },
      { status: 503, headers: { 'retry-after': '2' }, body: 'overloaded' },
      { status: 429, headers: { 'retry-after': new Date(Date.now() + 60_000).toUTCString() } },
      { status: 401, body: '{"code":"unauthorized","message":"unauthorized access"}' },
      { status: 200, body: '{}' },
    ]);
    cleanup.push(srv.close);
    const w = v2Writer(srv.url, { gzip: false });
    cleanup.push(async () => w.close());
    const write = () => w.write(['x', 'y v=1'], 0, 2, 's');
    for (const [status, message] of [
      [400, "HTTP 400: unable to parse 'x': missing fields"],
      [422, 'HTTP 422: points beyond retention policy dropped=1'],
      [400, 'HTTP 400: partial write: field type conflict'],
    ] as const) {
      expect(await write()).toEqual({ kind: 'rejected', status, message });
    }
    expect(await write()).toEqual({
      kind: 'retry',
      status: 503,
      message: 'HTTP 503: overloaded',
      retryAfterMs: 2000,
    });
    const r429 = await write();
    expect(r429).toMatchObject({ kind: 'retry', status: 429 });
    expect((r429 as { retryAfterMs: number }).retryAfterMs).toBeGreaterThan(55_000);
    expect(await write()).toEqual({
      kind: 'retry',
      status: 401,
      message: 'HTTP 401: unauthorized access',
      retryAfterMs: undefined,
    });
    expect(await write()).toEqual({ kind: 'ok' });
    expect(await write()).toEqual({ kind: 'ok' }); // 204
    // One request per write, nothing retried behind the drainer's back; no token, no gzip asked for.
    expect(srv.seen).toHaveLength(8);
    expect(srv.seen[0]!.url).toBe('/api/v2/write?org=o&bucket=b&precision=s');
    expect(srv.seen[0]!.body).toBe('x\ny v=1');
    expect(srv.seen[0]!.headers.authorization).toBeUndefined();
    expect(srv.seen[0]!.headers['content-encoding']).toBeUndefined();
  });

  it('v2: a request past its deadline or in flight at close() is abandoned and its socket closed', async () => {
    const srv = await scriptedServer(['hang', 'hang']);
    cleanup.push(srv.close);
    const w = v2Writer(srv.url, { timeoutMs: 300 });
    const t0 = Date.now();
    expect(await w.write(['a v=1'], 0, 1, 'ms')).toEqual({ kind: 'retry', message: 'timed out' });
    expect(Date.now() - t0).toBeLessThan(5000);
    await eventually('the timed-out socket to close', () => srv.openConnections() === 0, 5000);
    const inFlight = w.write(['a v=1'], 0, 1, 'ms');
    await eventually('the second request', () => srv.seen.length === 2, 5000);
    w.close();
    expect(await inFlight).toEqual({ kind: 'retry', message: 'aborted' });
    expect(await w.write(['a v=1'], 0, 1, 'ms')).toEqual({ kind: 'retry', message: 'aborted' });
    expect(srv.seen).toHaveLength(2);
    await eventually('no connection left open', () => srv.openConnections() === 0, 5000);
  });

  it('v2: connection refused is retried with the cause; close() leaves no keep-alive socket', async () => {
    const srv = await scriptedServer([]);
    const w = v2Writer(srv.url);
    expect(await w.write(['a v=1'], 0, 1, 'ms')).toEqual({ kind: 'ok' });
    expect(srv.openConnections()).toBe(1); // kept alive for the next batch
    w.close();
    await eventually('the keep-alive socket to close', () => srv.openConnections() === 0, 2000);
    await srv.close();
    const again = v2Writer(srv.url);
    const r = await again.write(['a v=1'], 0, 1, 'ms');
    again.close();
    expect(r).toMatchObject({ kind: 'retry', message: expect.stringContaining('ECONNREFUSED') });
    // The client would set this header in a callback where the error cannot be caught: refused up front.
    expect(() => v2Writer(srv.url, { token: 'a\nb', timeoutMs: 1 })).toThrow(
      'influx.token is not a valid HTTP header value',
    );
  });

  it('v1: db, rp, precision and Basic auth; URL credentials become Basic auth', async () => {
    const srv = await scriptedServer([]);
    cleanup.push(srv.close);
    const w = createHttpWriter({
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
    const fromUrl = createHttpWriter({
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
    const w = createHttpWriter({ url: srv.url, api: 'v1', database: 'd', gzip: true, timeoutMs: 1000 });
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
