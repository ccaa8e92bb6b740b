import { connect, createServer, type Server, type Socket } from 'node:net';

export interface TcpProxy {
  /** tcp://127.0.0.1:port of the proxy (put the scheme you need in front of `port`). */
  port: number;
  /** Connections taken so far. */
  connections: number;
  /** Destroys every open connection on both sides at once (a network cut as the client sees one). */
  cutAll(): number;
  stop(): Promise<void>;
}

/** A loopback TCP proxy to `127.0.0.1:targetPort` whose connections a test can cut at will. */
export async function startTcpProxy(targetPort: number): Promise<TcpProxy> {
  const open = new Set<Socket>();
  const state = { connections: 0 };
  const server: Server = createServer((client) => {
    state.connections++;
    const upstream = connect(targetPort, '127.0.0.1');
    const pair = [client, upstream];
    const close = () => {
      for (const s of pair) {
        s.destroy();
        open.delete(s);
      }
    };
    for (const s of pair) {
      open.add(s);
      s.on('error', close);
      s.on('close', close);
    }
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return {
    port,
    get connections() {
      return state.connections;
    },
    cutAll() {
      const n = open.size;
      for (const s of [...open]) s.destroy();
      open.clear();
      return n;
    },
    async stop() {
      for (const s of open) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
