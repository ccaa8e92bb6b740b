import { cpus, loadavg } from 'node:os';
import { ProcessCpu } from '../metrics/process-cpu.js';
import type { TimeSeriesSink } from './point.js';
import type { Spool } from './spool.js';

/**
 * Writes a `node_health` point every `intervalMs`: uptime, memory, CPU use of this process since the
 * previous point, system load and the spool's depth. Tags node/site come from the sink's default tags.
 */
export class NodeHealthReporter {
  private timer: NodeJS.Timeout | undefined;
  private readonly cpu = new ProcessCpu();
  private readonly cores = Math.max(1, cpus().length);

  constructor(
    private readonly sink: TimeSeriesSink,
    private readonly spool: Spool,
    private readonly intervalMs = 10_000,
  ) {}

  /** Writes one point now (the boot), then every interval. */
  start(): void {
    this.report();
    this.timer = setInterval(() => this.report(), this.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }

  report(): void {
    const cpu_percent = this.cpu.percentSinceLast();
    const mem = process.memoryUsage();
    const oldest = this.spool.oldestAt();
    this.sink.write({
      measurement: 'node_health',
      fields: {
        uptime_s: BigInt(Math.round(process.uptime())),
        rss_bytes: BigInt(mem.rss),
        heap_used_bytes: BigInt(mem.heapUsed),
        // Percent of one core, like top: 200 means both cores of a 2-core box.
        cpu_percent,
        load1: Math.round(loadavg()[0]! * 100) / 100,
        cores: BigInt(this.cores),
        spool_points: BigInt(this.spool.depth),
        spool_bytes: BigInt(this.spool.sizeBytes),
        spool_oldest_age_s:
          oldest === null ? 0n : BigInt(Math.max(0, Math.round((Date.now() - oldest) / 1000))),
        spool_dropped: BigInt(this.spool.dropped),
      },
    });
  }
}
