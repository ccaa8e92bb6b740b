import {
  freePort,
  httpOk,
  type RestartableServer,
  requireBinary,
  restartable,
  type ServerProcess,
  startProcess,
  tempDir,
  waitUntil,
} from './process.js';

export interface VictoriaMetrics extends RestartableServer {
  url: string;
  port: number;
  dir: string;
  /** Makes recently ingested samples visible to queries (/internal/force_flush). */
  flush(): Promise<void>;
  /** JSON lines from /api/v1/export for a series selector, e.g. `{__name__=~"traffic_count_.*"}`. */
  export(match: string): Promise<VmExportLine[]>;
  /**
   * Ingestion is asynchronous (a 204 means "parsed", not "searchable"): flushes and exports until the
   * total number of samples reaches `samples`, or throws after `timeoutMs`.
   */
  exportWhen(match: string, samples: number, timeoutMs?: number): Promise<VmExportLine[]>;
}

export interface VmExportLine {
  metric: Record<string, string>;
  values: number[];
  timestamps: number[];
}

/**
 * Starts VictoriaMetrics single-node with its storage in a temp dir and HTTP on a free loopback port
 * (it accepts InfluxDB line protocol on /write and /api/v2/write). Ready when GET /health is 2xx.
 */
export async function startVictoriaMetrics(): Promise<VictoriaMetrics> {
  const bin = requireBinary('victoria-metrics', 'victoria-metrics');
  const dir = tempDir('victoria-metrics');
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  async function launch(): Promise<ServerProcess> {
    const s = startProcess('victoria-metrics', bin, [
      `-storageDataPath=${dir}`,
      `-httpListenAddr=127.0.0.1:${port}`,
      '-loggerLevel=ERROR',
      '-retentionPeriod=100y',
      '-search.latencyOffset=0s',
    ]);
    await waitUntil(`victoria-metrics on port ${port}`, () => httpOk(`${url}/health`), {
      server: s,
      timeoutMs: 30_000,
    });
    return s;
  }
  const handle: VictoriaMetrics = Object.assign(await restartable(launch, dir), {
    url,
    port,
    dir,
    async flush() {
      const res = await fetch(`${url}/internal/force_flush`, { signal: AbortSignal.timeout(10_000) });
      await res.arrayBuffer();
      if (!res.ok) throw new Error(`victoria-metrics force_flush: HTTP ${res.status}`);
    },
    async export(match) {
      const res = await fetch(`${url}/api/v1/export?${new URLSearchParams({ 'match[]': match })}`, {
        signal: AbortSignal.timeout(10_000),
      });
      const text = await res.text();
      if (!res.ok) throw new Error(`victoria-metrics export ${match}: HTTP ${res.status} ${text}`);
      return text
        .split('\n')
        .filter((l) => l.trim() !== '')
        .map((l) => JSON.parse(l) as VmExportLine);
    },
    async exportWhen(match, samples, timeoutMs = 15_000) {
      let last: VmExportLine[] = [];
      const count = () => last.reduce((n, l) => n + l.values.length, 0);
      try {
        await waitUntil(
          `victoria-metrics: ${samples} samples of ${match}`,
          async () => {
            await handle.flush();
            last = await handle.export(match);
            return count() >= samples;
          },
          { timeoutMs, intervalMs: 200 },
        );
      } catch (err) {
        throw new Error(`${(err as Error).message} (have ${count()})`);
      }
      return last;
    },
  } satisfies Omit<VictoriaMetrics, keyof RestartableServer>);
  return handle;
}
