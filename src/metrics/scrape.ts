import { Counter, Gauge, type Registry } from 'prom-client';

/** Label values and the running total that goes with them. */
export type LabelledTotal = [Record<string, string>, number];

/**
 * A Prometheus counter fed at scrape time from totals a module keeps in plain numbers, so its per-item
 * path never touches prom-client. `read` gives every label set's running total; the counter grows by what
 * each total grew since the last scrape (a total that went back, after a restart of its part, is taken as
 * the new base).
 */
export function scrapedCounter(
  registry: Registry,
  name: string,
  help: string,
  read: () => number | readonly LabelledTotal[],
  labelNames: readonly string[] = [],
): void {
  const reported = new Map<string, number>();
  new Counter({
    name,
    help,
    labelNames: [...labelNames],
    registers: [registry],
    collect() {
      const now = read();
      const totals: readonly LabelledTotal[] = typeof now === 'number' ? [[{}, now]] : now;
      for (const [labels, v] of totals) {
        const key = labelNames.map((l) => labels[l] ?? '').join('\u0000');
        const before = reported.get(key) ?? 0;
        if (v > before) this.inc(labels, v - before);
        reported.set(key, v);
      }
    },
  });
}

/** A Prometheus gauge read at scrape time. */
export function scrapedGauge(registry: Registry, name: string, help: string, read: () => number): void {
  new Gauge({
    name,
    help,
    registers: [registry],
    collect() {
      this.set(read());
    },
  });
}
