import type { Registry } from 'prom-client';
import type { InfluxConfig } from '../config/schema.js';
import type { Service } from '../lifecycle/service.js';
import type { Logger } from '../log/logger.js';
import { Store } from '../store/store.js';
import { DiskGuard, type DiskGuardHealth, isFull } from './disk-guard.js';
import { Drainer } from './drainer.js';
import { createHttpWriter, type HttpWriter } from './http-writer.js';
import { prepareDefaultTags } from './line-protocol.js';
import { registerTimeSeriesMetrics } from './metrics.js';
import { NodeHealthReporter } from './node-health.js';
import type { Point, TimeSeriesSink } from './point.js';
import { Spool } from './spool.js';
import { SpoolSink } from './spool-sink.js';

export interface TimeSeriesServiceOptions {
  influx: InfluxConfig;
  /** The gateway's store; used for the spool unless influx.spool.path names its own file. */
  store: Store;
  /** Tags every point carries unless it sets them (node, site). */
  defaultTags: Record<string, string>;
  log: Logger;
  metrics?: Registry;
  /** Tuning for tests; defaults suit production. */
  commitIntervalMs?: number;
  backoffBaseMs?: number;
  backoffMaxMs?: number;
  /** How often a node_health point is written (default 10 s; 0: never). */
  nodeHealthIntervalMs?: number;
  /** How often the disk's free space is checked against influx.spool.keepFree (default 1 s). */
  diskCheckMs?: number;
}

export interface TimeSeriesHealth {
  state: 'spool-only' | 'ok' | 'retrying' | 'stopped';
  server?: string;
  api?: string;
  spool: {
    points: number;
    bytes: number;
    maxBytes: number;
    /** maxBytes, or less while the disk is almost full (then the oldest points are dropped). */
    bound: number;
    oldestAgeSeconds: number | null;
  };
  disk: DiskGuardHealth;
  backlog: boolean;
  rates: { acceptedPerSecond: number; sentPerSecond: number };
  totals: {
    accepted: number;
    committed: number;
    sent: number;
    dropped: number;
    droppedForDisk: number;
    deadLettered: number;
    invalid: number;
    overflow: number;
  };
  lastError?: { at: string; message: string };
  lastSuccessAt?: string;
  lastInvalid?: string;
}

/**
 * Time series out of the gateway: the durable spool every module writes to (`sink`), drained to
 * InfluxDB 1.x or the v2 write API when `influx.url` is set (spool only otherwise).
 */
export class TimeSeriesService implements Service, TimeSeriesSink {
  readonly name = 'timeseries';
  readonly spool: Spool;
  readonly sink: SpoolSink;
  readonly drainer: Drainer | undefined;
  readonly writer: HttpWriter | undefined;
  private readonly ownStore: Store | undefined;
  private readonly log: Logger;
  private rateTimer: NodeJS.Timeout | undefined;
  private rateSamples: { at: number; accepted: number; sent: number }[] = [];
  private invalidLoggedAt = 0;
  private readonly api: string;
  private readonly nodeHealth: NodeHealthReporter | undefined;
  readonly diskGuard: DiskGuard;
  private diskTimer: NodeJS.Timeout | undefined;
  private readonly diskCheckMs: number;

  constructor(opts: TimeSeriesServiceOptions) {
    const { influx } = opts;
    this.log = opts.log;
    this.api = influx.api;
    const path = influx.spool.path;
    this.ownStore = path && path !== opts.store.path ? new Store(path) : undefined;
    this.spool = new Spool(this.ownStore ?? opts.store, influx.spool.maxBytes);
    this.diskGuard = new DiskGuard(this.spool, influx.spool.keepFree, opts.log);
    this.diskCheckMs = opts.diskCheckMs ?? 1000;
    if (influx.url) {
      this.writer = createHttpWriter({
        url: influx.url,
        api: influx.api,
        database: influx.database,
        retentionPolicy: influx.retentionPolicy,
        username: influx.username,
        password: influx.password,
        org: influx.org,
        bucket: influx.bucket,
        token: influx.token,
        gzip: influx.gzip,
        timeoutMs: influx.timeout,
      });
      this.drainer = new Drainer(
        this.spool,
        this.writer,
        {
          batchSize: influx.batchSize,
          flushIntervalMs: influx.flushInterval,
          replayRate: influx.replayRate,
          maxInFlight: influx.inFlight,
          backoffBaseMs: opts.backoffBaseMs,
          backoffMaxMs: opts.backoffMaxMs,
        },
        {
          onDeadLetter: (line, message) =>
            this.log.warn(
              { line: line.slice(0, 500), error: message },
              'time series point rejected by the server; dead-lettered',
            ),
          onFailure: (message, consecutive) => {
            // One line when an outage starts, then a reminder every 10 attempts.
            if (consecutive === 1 || consecutive % 10 === 0) {
              this.log.warn(
                { server: this.writer?.safeUrl, error: message, attempts: consecutive },
                'time series write failed; spooling and retrying',
              );
            }
          },
          onRecovered: (downMs) =>
            this.log.info(
              {
                server: this.writer?.safeUrl,
                downSeconds: Math.round(downMs / 1000),
                spooled: this.spool.depth,
              },
              'time series server reachable again; replaying the spool',
            ),
        },
      );
    }
    const drainer = this.drainer;
    this.sink = new SpoolSink(this.spool, {
      precision: influx.precision,
      defaultTags: prepareDefaultTags(opts.defaultTags),
      commitIntervalMs: opts.commitIntervalMs,
      onCommit: drainer ? (lastId, n, lines, p) => drainer.notify(lastId, n, lines, p) : undefined,
      onCommitError: (err) => {
        // A full disk: the oldest points make room for the batch (and the alert outbox beside them).
        if (isFull(err) && this.diskGuard.makeRoom()) return true;
        this.log.error({ err }, 'time series spool commit failed; retrying in 1 s');
        return false;
      },
      onInvalid: (err) => {
        const now = Date.now();
        if (now - this.invalidLoggedAt > 10_000) {
          this.invalidLoggedAt = now;
          this.log.warn(
            { error: err.message },
            'time series point not written (bad point; further ones counted, logged every 10 s)',
          );
        }
      },
    });
    if (opts.metrics) registerTimeSeriesMetrics(opts.metrics, this);
    const every = opts.nodeHealthIntervalMs ?? 10_000;
    if (every > 0) this.nodeHealth = new NodeHealthReporter(this.sink, this.spool, every);
  }

  write(point: Point): boolean {
    return this.sink.write(point);
  }

  flush(): Promise<void> {
    return this.sink.flush();
  }

  /** Drops the oldest points when a write (the alert outbox's too) found the disk full. */
  makeRoom(): boolean {
    return this.diskGuard.makeRoom();
  }

  async start(): Promise<void> {
    this.diskGuard.check();
    this.diskTimer = setInterval(() => this.diskGuard.check(), this.diskCheckMs);
    this.diskTimer.unref();
    this.drainer?.start();
    this.sampleRates();
    this.rateTimer = setInterval(() => this.sampleRates(), 5000);
    this.rateTimer.unref();
    this.nodeHealth?.start();
    this.log.info(
      {
        server: this.writer?.safeUrl ?? 'none (spool only)',
        spooled: this.spool.depth,
        spoolBytes: this.spool.sizeBytes,
      },
      'time series started',
    );
  }

  async stop(): Promise<void> {
    if (this.rateTimer) clearInterval(this.rateTimer);
    clearInterval(this.diskTimer);
    this.nodeHealth?.stop();
    try {
      this.sink.close();
    } catch (err) {
      this.log.error({ err }, 'time series spool: final commit failed');
    }
    await this.drainer?.stop();
    this.ownStore?.close();
  }

  private sampleRates(): void {
    this.rateSamples.push({ at: Date.now(), accepted: this.sink.accepted, sent: this.drainer?.sent ?? 0 });
    if (this.rateSamples.length > 13) this.rateSamples.shift();
  }

  health(): TimeSeriesHealth {
    const s = this.spool.stats();
    const d = this.drainer;
    const now = Date.now();
    const first = this.rateSamples[0];
    const secs = first ? (now - first.at) / 1000 : 0;
    const rate = (v: number, v0: number) => (secs > 0.5 ? Math.round((v - v0) / secs) : 0);
    const iso = (t: number | undefined) => (t === undefined ? undefined : new Date(t).toISOString());
    return {
      state: !d ? 'spool-only' : d.state === 'stopped' ? 'stopped' : d.failing ? 'retrying' : 'ok',
      server: this.writer?.safeUrl,
      api: this.writer ? this.api : undefined,
      spool: {
        points: s.points,
        bytes: s.bytes,
        maxBytes: s.maxBytes,
        bound: s.bound,
        oldestAgeSeconds: s.oldestAt === null ? null : Math.max(0, Math.round((now - s.oldestAt) / 1000)),
      },
      disk: this.diskGuard.health(),
      backlog: d?.backlogPending ?? false,
      rates: {
        acceptedPerSecond: rate(this.sink.accepted, first?.accepted ?? 0),
        sentPerSecond: rate(d?.sent ?? 0, first?.sent ?? 0),
      },
      totals: {
        accepted: this.sink.accepted,
        committed: this.sink.committed,
        sent: d?.sent ?? 0,
        dropped: s.dropped,
        droppedForDisk: s.droppedForDisk,
        deadLettered: s.deadLettered,
        invalid: this.sink.invalid,
        overflow: this.sink.overflow,
      },
      lastError: d?.lastError ? { at: iso(d.lastError.at)!, message: d.lastError.message } : undefined,
      lastSuccessAt: iso(d?.lastSuccessAt),
      lastInvalid: this.sink.lastInvalid,
    };
  }
}
