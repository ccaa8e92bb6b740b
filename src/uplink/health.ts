import { readFileSync } from 'node:fs';
import { cpus, freemem, loadavg, totalmem } from 'node:os';
import { diskUsage } from '../alerts/from-node.js';
import type { OutboxStats } from '../alerts/outbox.js';
import { ProcessCpu } from '../metrics/process-cpu.js';

/** What the composition root lets the heartbeat read (each part's own health, structurally). */
export interface HealthSources {
  cameras?(): Record<
    string,
    {
      state: string;
      since: number;
      reason?: string;
      frameFps: number;
      processedFps: number;
      detectFps: number;
      lastFrameAgeMs?: number;
      reconnects: number;
    }
  >;
  /** Sensor devices by id: whatever the sensor path reports (state, last reading age...). */
  sensors?(): Record<string, Record<string, unknown>>;
  timeseries?(): {
    state: string;
    spool: { points: number; bytes: number; maxBytes: number; oldestAgeSeconds: number | null };
    totals: { dropped: number };
  };
}

/** The box's health as published on <prefix>/health (docs/uplink.md, schema health.v1.json). */
export interface HealthMessage {
  schema: 'ioc-edge/health/1';
  node: string;
  site: string;
  name?: string;
  location?: { lat: number; lon: number };
  version: string;
  at: string;
  uptimeSeconds: number;
  process: { cpuPercent: number; rssBytes: number; heapUsedBytes: number };
  system: { load1: number; cores: number; memTotalBytes: number; memFreeBytes: number };
  disk: { path: string; totalBytes: number; freeBytes: number } | null;
  cameras: Record<
    string,
    {
      state: string;
      since: string;
      reason?: string;
      fps: number;
      processedFps: number;
      detectFps: number;
      lastFrameAgeSeconds: number | null;
      reconnects: number;
    }
  >;
  sensors: Record<string, Record<string, unknown>>;
  spool: {
    state: string;
    points: number;
    bytes: number;
    maxBytes: number;
    oldestAgeSeconds: number | null;
    dropped: number;
  } | null;
  outbox: OutboxStats & { inFlight: number };
  alerts: { open: number };
  uplink: {
    connectedSince: string | null;
    reconnects: number;
    lastError?: string;
    webhook?: { delivered: number; lastError?: string };
  };
}

let version: string | undefined;

/** The gateway's version (package.json beside src/ and dist/). */
export function gatewayVersion(): string {
  if (version === undefined) {
    try {
      const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
        version?: string;
      };
      version = pkg.version ?? 'unknown';
    } catch {
      version = 'unknown';
    }
  }
  return version;
}

const round1 = (x: number) => Math.round(x * 10) / 10;

/** Builds health messages; CPU is this process's use since the previous message, in percent of one core. */
export class HealthReport {
  private readonly cpu = new ProcessCpu();
  private readonly cores = Math.max(1, cpus().length);

  constructor(
    private readonly node: {
      id: string;
      site: string;
      name?: string;
      location?: { lat: number; lon: number };
    },
    private readonly dataDir: string,
    private readonly sources: HealthSources,
    private readonly own: () => {
      outbox: OutboxStats & { inFlight: number };
      alerts: { open: number };
      uplink: HealthMessage['uplink'];
    },
  ) {}

  build(): HealthMessage {
    const cpuPercent = this.cpu.percentSinceLast();
    const mem = process.memoryUsage();
    const cameras: HealthMessage['cameras'] = {};
    for (const [id, c] of Object.entries(this.sources.cameras?.() ?? {})) {
      cameras[id] = {
        state: c.state,
        since: new Date(c.since).toISOString(),
        fps: round1(c.frameFps),
        processedFps: round1(c.processedFps),
        detectFps: round1(c.detectFps),
        lastFrameAgeSeconds: c.lastFrameAgeMs === undefined ? null : round1(c.lastFrameAgeMs / 1000),
        reconnects: c.reconnects,
      };
      if (c.reason) cameras[id].reason = c.reason;
    }
    const ts = this.sources.timeseries?.();
    const own = this.own();
    const msg: HealthMessage = {
      schema: 'ioc-edge/health/1',
      node: this.node.id,
      site: this.node.site,
      version: gatewayVersion(),
      at: new Date().toISOString(),
      uptimeSeconds: Math.round(process.uptime()),
      process: {
        cpuPercent,
        rssBytes: mem.rss,
        heapUsedBytes: mem.heapUsed,
      },
      system: {
        load1: Math.round(loadavg()[0]! * 100) / 100,
        cores: this.cores,
        memTotalBytes: totalmem(),
        memFreeBytes: freemem(),
      },
      disk: diskUsage(this.dataDir) ?? null,
      cameras,
      sensors: this.sources.sensors?.() ?? {},
      spool: ts
        ? {
            state: ts.state,
            points: ts.spool.points,
            bytes: ts.spool.bytes,
            maxBytes: ts.spool.maxBytes,
            oldestAgeSeconds: ts.spool.oldestAgeSeconds,
            dropped: ts.totals.dropped,
          }
        : null,
      outbox: own.outbox,
      alerts: own.alerts,
      uplink: own.uplink,
    };
    if (this.node.name) msg.name = this.node.name;
    if (this.node.location) msg.location = { lat: this.node.location.lat, lon: this.node.location.lon };
    return msg;
  }
}
