import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { gunzipSync } from 'node:zlib';

/** One write request the server holds until the test answers it. */
export interface HeldRequest {
  /** The line-protocol body (gunzipped). */
  body: string;
  /** The `seq=` integer fields of its lines, in order (points written by the tests' writers). */
  seqs: number[];
  /** Whether an answer was given (or the client went away). */
  settled: boolean;
  /** The status given, once answered. */
  status?: number;
  answer(status: number, body?: string): void;
}

/** Calls `then` with a request's whole body as text, gunzipped when it came gzip-encoded. */
export function onBody(req: IncomingMessage, then: (body: string) => void): void {
  const chunks: Buffer[] = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const raw = Buffer.concat(chunks);
    then(req.headers['content-encoding'] === 'gzip' ? gunzipSync(raw).toString() : raw.toString());
  });
}

/**
 * A real HTTP server that stands in for InfluxDB's `/write` and answers each request only when the test
 * says so (or at once, with `autoAnswer`): to hold several requests in flight and settle them in any
 * order. A client that goes away leaves its request unanswered (settled, no status).
 */
export async function heldWriteServer() {
  const requests: HeldRequest[] = [];
  let autoAnswer: number | undefined;
  const server: Server = createServer((req, res) => {
    onBody(req, (body) => {
      const r = held(body, res);
      requests.push(r);
      if (autoAnswer !== undefined) r.answer(autoAnswer);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    /** Requests not answered yet. */
    pending: () => requests.filter((r) => !r.settled),
    /** From now on every request (also those waiting) is answered at once with `status`. */
    answerAll(status: number) {
      autoAnswer = status;
      for (const r of requests) if (!r.settled) r.answer(status);
    },
    /** Seqs of the requests answered with a 2xx, in the order they arrived. */
    acknowledged: () =>
      requests.filter((r) => r.status !== undefined && r.status < 300).flatMap((r) => r.seqs),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function held(body: string, res: ServerResponse): HeldRequest {
  const r: HeldRequest = {
    body,
    seqs: [...body.matchAll(/\bseq=(\d+)i/g)].map((m) => Number(m[1])),
    settled: false,
    answer(status, text = '') {
      if (r.settled) return;
      r.settled = true;
      r.status = status;
      res.writeHead(status).end(text);
    },
  };
  res.on('close', () => {
    r.settled = true;
  });
  return r;
}
