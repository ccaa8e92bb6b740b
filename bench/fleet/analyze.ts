// Turns what the fleet bench collected (worker reports, the consumer's log, /proc samples) into figures.
import type { FleetRates, InstanceReport } from './instance.js';
import type { ConsumerSummary } from './protocol.js';

export interface ProcSample {
  role: string;
  pid: number;
  t: number;
  cpuS: number;
  rss: number;
  pss: number;
}

export interface FleetInput {
  n: number;
  workers: { count: number; baseRss: number }[];
  rates: FleetRates;
  t0: number;
  t1: number;
  outageStartMs: number;
  outageEndMs: number;
  instances: InstanceReport[];
  consumer: ConsumerSummary;
  samples: ProcSample[];
}

const r1 = (x: number) => Math.round(x * 10) / 10;
const r3 = (x: number) => Math.round(x * 1000) / 1000;
const MB = 1024 * 1024;

export function percentiles(values: number[]) {
  const s = [...values].sort((a, b) => a - b);
  const at = (p: number) => s[Math.min(s.length - 1, Math.floor(p * s.length))] ?? 0;
  return { n: s.length, p50: at(0.5), p95: at(0.95), p99: at(0.99), max: s.at(-1) ?? 0 };
}

/** CPU % of one core and memory of a role over the run: CPU summed over the pids it had (the restarted broker). */
function usage(samples: ProcSample[], role: string, seconds: number) {
  const mine = samples.filter((s) => s.role === role);
  const byPid = new Map<number, ProcSample[]>();
  for (const s of mine) byPid.set(s.pid, [...(byPid.get(s.pid) ?? []), s]);
  let cpuS = 0;
  for (const list of byPid.values()) cpuS += list.at(-1)!.cpuS - list[0]!.cpuS;
  const last = mine.at(-1);
  return {
    cpuPercent: r1((cpuS / seconds) * 100),
    rssMB: r1((last?.rss ?? 0) / MB),
    pssMB: r1((last?.pss ?? 0) / MB),
    peakRssMB: r1(Math.max(0, ...mine.map((s) => s.rss)) / MB),
  };
}

/** Per-second rate of a $SYS counter over the run, skipping the reset at the broker's restart. */
function sysRate(c: ConsumerSummary, key: string, t0: number, t1: number): number | null {
  let sum = 0;
  let dt = 0;
  const pts = c.sys.filter(([t, v]) => t >= t0 && t <= t1 && v[key] !== undefined);
  for (let i = 1; i < pts.length; i++) {
    const d = pts[i]![1][key]! - pts[i - 1]![1][key]!;
    if (d < 0) continue;
    sum += d;
    dt += (pts[i]![0] - pts[i - 1]![0]) / 1000;
  }
  return dt > 0 ? r1(sum / dt) : null;
}

export function analyze(x: FleetInput) {
  const { consumer: c, t0, t1, outageStartMs, outageEndMs, n, rates } = x;
  const seconds = (t1 - t0) / 1000;

  // Throughput at the consumer, per second of the run.
  const off = Math.floor((t0 - c.startedMs) / 1000);
  const perSecond = c.perSecond.slice(off, off + Math.floor(seconds)).map((v) => v ?? 0);
  const outA = Math.floor((outageStartMs - t0) / 1000);
  const outB = Math.ceil((outageEndMs - t0) / 1000) + 30;
  const steady = perSecond.filter((_, i) => i < outA || i > outB);
  const total = perSecond.reduce((a, b) => a + b, 0);
  const bytes = Object.values(c.byKind).reduce((a, k) => a + k.bytes, 0);
  const msgs = Object.values(c.byKind).reduce((a, k) => a + k.messages, 0);

  // Alerts: exactly once by id, in order, and latency of each `new` (raised → consumer).
  const raised = new Set(x.instances.flatMap((i) => i.raised));
  const expectedMessages = x.instances.reduce(
    (a, i) => a + i.totals.raised + i.totals.updates + i.totals.ended,
    0,
  );
  const seen = new Map<string, number>();
  const seqs = new Map<string, { seq: number; state: string }[]>();
  const firstNew = new Map<string, { raisedMs: number; receivedMs: number }>();
  for (const a of c.alerts) {
    const key = `${a.id}/${a.seq}`;
    seen.set(key, (seen.get(key) ?? 0) + 1);
    if (seen.get(key)! > 1) continue;
    const l = seqs.get(a.id) ?? [];
    l.push({ seq: a.seq, state: a.state });
    seqs.set(a.id, l);
    if (a.state === 'new') firstNew.set(a.id, a);
  }
  const missing = [...raised].filter((id) => !firstNew.has(id));
  const unexpected = [...firstNew.keys()].filter((id) => !raised.has(id));
  const duplicates = [...seen.values()].reduce((a, k) => a + (k - 1), 0);
  let outOfOrder = 0;
  for (const l of seqs.values()) {
    const sorted = [...l].sort((a, b) => a.seq - b.seq);
    const ok =
      sorted.every((m, i) => m.seq === i + 1) &&
      sorted[0]?.state === 'new' &&
      sorted.at(-1)?.state === 'end' &&
      l.every((m, i) => i === 0 || m.seq > l[i - 1]!.seq);
    if (!ok) outOfOrder++;
  }

  // When every box was back online after the restart.
  const backOnline = Object.values(c.online).map((ts) => ts.find((t) => t >= outageEndMs - 1000));
  const recoveredMs = backOnline.every((t) => t !== undefined)
    ? Math.max(...(backOnline as number[]))
    : undefined;
  const lat = [...firstNew.values()];
  const affected = (r: number) => r >= outageStartMs - 2000 && r <= (recoveredMs ?? t1) + 2000;
  const steadyLat = percentiles(
    lat.filter((a) => !affected(a.raisedMs)).map((a) => a.receivedMs - a.raisedMs),
  );
  const outageLat = percentiles(
    lat.filter((a) => affected(a.raisedMs)).map((a) => a.receivedMs - a.raisedMs),
  );

  // Heartbeats: received / expected per box over the run; "outside the outage" leaves out, per box, the
  // time from the broker's stop to that box's `online` after the restart (its reconnect backoff included).
  // Capped at 1: a reconnect publishes one heartbeat at once, on top of the periodic ones.
  const hb = rates.heartbeatMs;
  const expected = (t1 - t0) / hb;
  const completeness: number[] = [];
  const completenessOutside: number[] = [];
  const maxGaps: number[] = [];
  for (const inst of x.instances) {
    const ts = (c.heartbeats[inst.node] ?? []).filter((t) => t >= t0 && t < t1);
    completeness.push(Math.min(1, ts.length / Math.floor(expected)));
    const back = (c.online[inst.node] ?? []).find((t) => t >= outageEndMs - 1000) ?? t1;
    const up = ts.filter((t) => t < outageStartMs || t > back).length;
    const upExpected = Math.floor((t1 - t0 - (back - outageStartMs)) / hb);
    completenessOutside.push(Math.min(1, up / upExpected));
    let gap = 0;
    for (let i = 1; i < ts.length; i++) gap = Math.max(gap, ts[i]! - ts[i - 1]!);
    maxGaps.push(gap);
  }
  const stat = (v: number[]) => ({
    min: r3(Math.min(...v)),
    mean: r3(v.reduce((a, b) => a + b, 0) / v.length),
  });

  // Resources: the workers' CPU and memory shared out over the boxes each runs.
  const workers = x.workers.map((w, i) => ({
    boxes: w.count,
    baseRssMB: r1(w.baseRss / MB),
    ...usage(x.samples, `worker-${i}`, seconds),
  }));
  const sum = (k: 'cpuPercent' | 'rssMB' | 'pssMB') => workers.reduce((a, w) => a + w[k], 0);
  const baseSum = workers.reduce((a, w) => a + w.baseRssMB, 0);

  const kinds = Object.fromEntries(
    Object.entries(c.byKind).map(([k, v]) => [
      k,
      { messages: v.messages, meanBytes: Math.round(v.bytes / v.messages) },
    ]),
  );
  const alertMsgsPerNodePerS = expectedMessages / n / seconds;
  return {
    throughput: {
      consumerMsgsPerS: r1(total / seconds),
      consumerSteadyMsgsPerS: r1(steady.reduce((a, b) => a + b, 0) / Math.max(1, steady.length)),
      consumerPeakMsgsPerS: Math.max(0, ...perSecond),
      consumerBytesPerS: Math.round((bytes / msgs) * (total / seconds)),
      sysPublishInPerS: sysRate(c, 'broker/publish/messages/received', t0, t1),
      sysPublishOutPerS: sysRate(c, 'broker/publish/messages/sent', t0, t1),
      sysBytesInPerS: sysRate(c, 'broker/bytes/received', t0, t1),
      sysBytesOutPerS: sysRate(c, 'broker/bytes/sent', t0, t1),
      kinds,
    },
    perNode: {
      msgsPerS: r3(total / seconds / n),
      bytesPerS: Math.round(((bytes / msgs) * (total / seconds)) / n),
      alertMessagesPerHour: r1(alertMsgsPerNodePerS * 3600),
      alertsRaisedPerHour: r1((raised.size / n / seconds) * 3600),
      readingsPerS: r1(x.instances.reduce((a, i) => a + i.readings, 0) / n / seconds),
    },
    alerts: {
      raised: raised.size,
      messagesExpected: expectedMessages,
      messagesReceivedDistinct: seen.size,
      duplicatesDropped: duplicates,
      missing: missing.length,
      unexpected: unexpected.length,
      outOfOrder,
      exactlyOnceById: missing.length === 0 && unexpected.length === 0 && seen.size === expectedMessages,
      outboxLeft: x.instances.reduce((a, i) => a + i.outboxDepth, 0),
    },
    latencyMs: { steady: steadyLat, outageAffected: outageLat },
    heartbeat: {
      expectedPerBox: Math.floor(expected),
      completeness: stat(completeness),
      completenessOutsideOutage: stat(completenessOutside),
      maxGapSeconds: { max: r1(Math.max(...maxGaps) / 1000), median: r1(percentiles(maxGaps).p50 / 1000) },
    },
    outage: {
      seconds: r1((outageEndMs - outageStartMs) / 1000),
      allBackOnlineSeconds: recoveredMs !== undefined ? r1((recoveredMs - outageEndMs) / 1000) : null,
      reconnects: {
        min: Math.min(...x.instances.map((i) => i.reconnects)),
        max: Math.max(...x.instances.map((i) => i.reconnects)),
      },
    },
    resources: {
      perInstance: {
        cpuPercent: r3(sum('cpuPercent') / n),
        rssShareMB: r1(sum('rssMB') / n),
        rssMarginalMB: r1((sum('rssMB') - baseSum) / n),
        pssShareMB: r1(sum('pssMB') / n),
      },
      workers,
      broker: usage(x.samples, 'broker', seconds),
      consumer: usage(x.samples, 'consumer', seconds),
    },
    timeline: {
      perSecondMsgs: perSecond,
      outageFromS: r1((outageStartMs - t0) / 1000),
      outageToS: r1((outageEndMs - t0) / 1000),
    },
  };
}

export type FleetResult = ReturnType<typeof analyze>;
