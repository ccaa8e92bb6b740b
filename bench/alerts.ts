/**
 * npm run bench:alerts — alerts with evidence pictures through the durable outbox to a real Mosquitto (TLS
 * with client certificates, passwords, ACL, persistence; the IOC subscribed with mosquitto_sub):
 *  1. live: 1,000 alerts at 50/s, each with a JPEG from a real clip frame; detection-to-PUBACK latency
 *     p50/p95/p99 of the alert message and of its picture;
 *  2. outage: the broker stopped while BENCH_BACKLOG_ALERTS alerts (default 30,000: 10 minutes at 50/s,
 *     raised as fast as the disk takes them instead of over 10 minutes) pile up in the outbox; then the
 *     broker is back and the catch-up rate is measured.
 * Results: bench/results/alerts.md and .json.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import type { AlertSignal } from '../src/alerts/alert.js';
import { AlertsService } from '../src/alerts/service.js';
import { parseConfigText } from '../src/config/load.js';
import { SecretScrubber } from '../src/log/redact.js';
import { Store } from '../src/store/store.js';
import { UplinkService } from '../src/uplink/service.js';
import { PREFIX, startIocBroker, USERS, uplinkYaml } from '../test/support/ioc.js';
import { procStat, removeDir, requireBinary, tempDir, waitUntil } from '../test/support/process.js';
import { MEDIA } from '../test/support/vision.js';

const LIVE = Number(process.env.BENCH_LIVE_ALERTS ?? 1000);
const RATE = Number(process.env.BENCH_ALERT_RATE ?? 50);
const BACKLOG = Number(process.env.BENCH_BACKLOG_ALERTS ?? 30_000);
const GOAL_P99_MS = 200;
const GOAL_CATCHUP = 500;

const round = (x: number, d = 1) => Math.round(x * 10 ** d) / 10 ** d;
const pct = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
const cpuSeconds = (pid: number) => {
  const f = procStat(pid);
  return (Number(f[11]) + Number(f[12])) / 100;
};

/** Evidence pictures: frames of the junction clip, 960 px wide like the analytics' evidence JPEGs. */
function clipJpegs(dir: string): Buffer[] {
  execFileSync(requireBinary('ffmpeg', 'ffmpeg'), [
    '-v',
    'error',
    '-i',
    join(MEDIA, 'intersection_cctv_pedestrians.mp4'),
    '-vf',
    'select=not(mod(n\\,45)),scale=960:-2',
    '-vsync',
    '0',
    '-frames:v',
    '20',
    '-q:v',
    '4',
    join(dir, 'ev%02d.jpg'),
  ]);
  return readdirSync(dir)
    .filter((f) => /^ev\d+\.jpg$/.test(f))
    .map((f) => readFileSync(join(dir, f)));
}

/** The IOC: mosquitto_sub with its own session, printing one topic per message (counted here). */
function iocSubscriber(ioc: Awaited<ReturnType<typeof startIocBroker>>): {
  proc: ChildProcess;
  count: () => number;
} {
  const port = new URL(ioc.broker.url).port;
  const proc = spawn(requireBinary('mosquitto_sub', 'mosquitto-clients'), [
    ...['-h', '127.0.0.1', '-p', port, '-V', 'mqttv5', '-q', '1', '-c', '-i', 'ioc-bench'],
    ...['-x', '3600', '-u', 'ioc', '-P', USERS.ioc, '--cafile', ioc.certs.ca],
    ...['--cert', ioc.certs.clientCert, '--key', ioc.certs.clientKey, '-t', `${PREFIX}/#`, '-F', '%t'],
  ]);
  let lines = 0;
  proc.stdout.on('data', (b: Buffer) => {
    for (const c of b) if (c === 10) lines++;
  });
  return { proc, count: () => lines };
}

async function main() {
  const dir = tempDir('bench-alerts');
  const jpegs = clipJpegs(dir);
  const ioc = await startIocBroker(dir);
  const cfg = parseConfigText(
    [
      'node: { id: edge-01, site: binh-duong, name: "QL13 km 12", location: { lat: 11.05, lon: 106.66 } }',
      `dataDir: ${dir}/data`,
      uplinkYaml(ioc),
      'alerts: { cooldown: 10m, outbox: { maxBytes: 8GB } }',
    ].join('\n'),
    join(dir, 'bench.yaml'),
    { env: { IOC_PASS: USERS['edge-01'] } },
  );
  const log = pino({ level: 'warn' });
  const store = new Store(cfg.store.path);
  const alerts = new AlertsService({ ...cfg, store, log, evidenceTopic: (id) => `${PREFIX}/evidence/${id}` });
  const uplink = new UplinkService({
    ...cfg,
    outbox: alerts.outbox,
    alerts: alerts.manager,
    health: {},
    scrubber: new SecretScrubber(),
    log,
    backoffInitialMs: 500,
    backoffMaxMs: 2000,
  });
  const sub = iocSubscriber(ioc);
  const raisedAt = new Map<string, number>();
  const alertAck: number[] = [];
  const evidenceAck: number[] = [];
  uplink.publisher!.onDelivered = (d) => {
    const t0 = d.alertId ? raisedAt.get(d.alertId) : undefined;
    if (t0 === undefined) return;
    (d.kind === 'alert' ? alertAck : evidenceAck).push(performance.now() - t0);
  };
  let n = 0;
  /** One incident with its picture, as the pipeline hands them over (the picture a moment after the alert). */
  const raise = (onId?: (id: string) => void) => {
    const i = n++;
    const signal: AlertSignal = {
      state: 'raise',
      source: { kind: 'camera', id: `cam${i % 8}` },
      type: i % 3 === 0 ? 'wrong_way' : 'stopped_vehicle',
      zone: `zone-${i}`,
      cls: 'motorcycle',
      severity: 'high',
      timeMs: Date.now(),
      ref: `inc-${i}`,
      detail: 'bench',
      evidenceExpected: true,
    };
    const t0 = performance.now();
    const id = alerts.manager.signal(signal)!;
    raisedAt.set(id, t0);
    onId?.(id);
    return () => alerts.manager.evidence(`inc-${i}`, jpegs[i % jpegs.length]!);
  };

  try {
    await alerts.start();
    await uplink.start();
    await waitUntil('uplink up', async () => uplink.link!.connected, { timeoutMs: 30_000 });
    await waitUntil('IOC subscribed', async () => sub.count() > 0, { timeoutMs: 30_000 }); // the retained status

    // 1. Live: LIVE alerts at RATE/s, paced by the clock.
    const load0 = loadavg();
    const cpu0 = process.cpuUsage();
    const broker0 = cpuSeconds(ioc.broker.server.pid);
    const subBefore = sub.count();
    const t0 = performance.now();
    let peakRss = process.memoryUsage().rss;
    await new Promise<void>((resolve) => {
      const timer = setInterval(() => {
        peakRss = Math.max(peakRss, process.memoryUsage().rss);
        const due = Math.min(LIVE, Math.floor(((performance.now() - t0) / 1000) * RATE) + 1);
        while (n < due) {
          const attach = raise();
          setImmediate(attach);
        }
        if (n >= LIVE) {
          clearInterval(timer);
          resolve();
        }
      }, 5);
    });
    await waitUntil(
      'live alerts acknowledged',
      async () => evidenceAck.length === LIVE && alertAck.length === LIVE,
      {
        timeoutMs: 120_000,
      },
    );
    const liveSecs = (performance.now() - t0) / 1000;
    const liveCpu = process.cpuUsage(cpu0);
    const liveBrokerCpu = cpuSeconds(ioc.broker.server.pid) - broker0;
    await waitUntil('IOC got them', async () => sub.count() - subBefore >= 2 * LIVE, { timeoutMs: 60_000 });
    const a = [...alertAck].sort((x, y) => x - y);
    const e = [...evidenceAck].sort((x, y) => x - y);
    const jpegBytes = jpegs.reduce((s, j) => s + j.length, 0) / jpegs.length;
    const live = {
      alerts: LIVE,
      ratePerSecond: RATE,
      seconds: round(liveSecs, 2),
      alertPubackMs: {
        p50: round(pct(a, 50)),
        p95: round(pct(a, 95)),
        p99: round(pct(a, 99)),
        max: round(a.at(-1)!),
      },
      evidencePubackMs: {
        p50: round(pct(e, 50)),
        p95: round(pct(e, 95)),
        p99: round(pct(e, 99)),
        max: round(e.at(-1)!),
      },
      meanJpegBytes: Math.round(jpegBytes),
      gatewayCpuPercent: round(((liveCpu.user + liveCpu.system) / 1e6 / liveSecs) * 100),
      brokerCpuPercent: round((liveBrokerCpu / liveSecs) * 100),
      gatewayPeakRssMB: round(peakRss / 1048576),
      loadBefore: load0,
    };
    console.log('live', JSON.stringify(live));

    // 2. Outage: BACKLOG alerts with pictures while the broker is down, then catch-up.
    await ioc.broker.pause();
    await waitUntil('uplink down', async () => !uplink.link!.connected, { timeoutMs: 30_000 });
    raisedAt.clear();
    const r0 = performance.now();
    const cpuR = process.cpuUsage();
    const before = n;
    while (n < before + BACKLOG) raise()();
    const raiseSecs = (performance.now() - r0) / 1000;
    const raiseCpu = process.cpuUsage(cpuR);
    const depth = alerts.outbox.depth;
    const outboxBytes = alerts.outbox.sizeBytes;
    const fileBytes = statSync(cfg.store.path).size + statSync(`${cfg.store.path}-wal`).size;
    console.log(
      `backlog: ${BACKLOG} alerts (${depth} messages, ${round(outboxBytes / 1e6)} MB) in ${round(raiseSecs)} s`,
    );

    const subAtOutage = sub.count();
    alertAck.length = 0;
    evidenceAck.length = 0;
    await ioc.broker.restart();
    const brokerC = cpuSeconds(ioc.broker.server.pid);
    await waitUntil('uplink back', async () => uplink.link!.connected, { timeoutMs: 60_000, intervalMs: 10 });
    const c0 = performance.now();
    const cpuC = process.cpuUsage();
    let peakCatchRss = process.memoryUsage().rss;
    await waitUntil(
      'backlog delivered',
      async () => {
        peakCatchRss = Math.max(peakCatchRss, process.memoryUsage().rss);
        return alerts.outbox.depth === 0;
      },
      { timeoutMs: 900_000, intervalMs: 20 },
    );
    const catchSecs = (performance.now() - c0) / 1000;
    const catchCpu = process.cpuUsage(cpuC);
    const catchBrokerCpu = cpuSeconds(ioc.broker.server.pid) - brokerC;
    await waitUntil('IOC got the backlog', async () => sub.count() - subAtOutage >= 2 * BACKLOG, {
      timeoutMs: 900_000,
      intervalMs: 50,
    });
    const iocSecs = (performance.now() - c0) / 1000;
    const outage = {
      alerts: BACKLOG,
      messages: depth,
      outboxMB: round(outboxBytes / 1e6),
      storeFileMB: round(fileBytes / 1e6),
      raise: {
        seconds: round(raiseSecs, 2),
        alertsPerSecond: Math.round(BACKLOG / raiseSecs),
        gatewayCpuPercent: round(((raiseCpu.user + raiseCpu.system) / 1e6 / raiseSecs) * 100),
      },
      catchUp: {
        seconds: round(catchSecs, 2),
        alertsPerSecond: Math.round(BACKLOG / catchSecs),
        megabytesPerSecond: round(outboxBytes / 1e6 / catchSecs),
        gatewayCpuPercent: round(((catchCpu.user + catchCpu.system) / 1e6 / catchSecs) * 100),
        brokerCpuPercent: round((catchBrokerCpu / catchSecs) * 100),
        gatewayPeakRssMB: round(peakCatchRss / 1048576),
        atIocSeconds: round(iocSecs, 2),
      },
    };
    console.log('outage', JSON.stringify(outage));
    write(live, outage);
  } finally {
    sub.proc.kill('SIGTERM');
    await uplink.stop();
    await alerts.stop();
    store.close();
    await ioc.stop();
    removeDir(dir);
  }
}

function write(
  live: Record<string, unknown> & Record<'alertPubackMs' | 'evidencePubackMs', Record<string, number>>,
  outage: {
    alerts: number;
    messages: number;
    outboxMB: number;
    storeFileMB: number;
    raise: Record<string, number>;
    catchUp: Record<string, number>;
  },
) {
  const at = new Date().toISOString();
  const machine = `${cpus().length} CPUs (${cpus()[0]?.model.trim()}) · Node ${process.version}`;
  const results = {
    at,
    machine,
    loadAfter: loadavg(),
    live,
    outage,
    goals: { p99Ms: GOAL_P99_MS, catchUpPerSecond: GOAL_CATCHUP },
  };
  const dirOut = new URL('./results/', import.meta.url);
  writeFileSync(new URL('alerts.json', dirOut), `${JSON.stringify(results, null, 2)}\n`);
  const meets = (ok: boolean) => (ok ? 'meets' : 'MISSES');
  const p = (x: Record<string, number>) => `${x.p50} / ${x.p95} / ${x.p99} (max ${x.max})`;
  const md = `# bench:alerts

${at} · ${machine} ·
load average before ${(live.loadBefore as number[]).map((x) => x.toFixed(2)).join(' ')}, after ${loadavg()
    .map((x) => x.toFixed(2))
    .join(' ')} (the machine is shared: numbers are noisy).

Real Mosquitto 2 on loopback as the IOC broker: TLS with a pinned CA and client certificates (mTLS), passwords, an
ACL and persistence; the IOC subscribed to \`${PREFIX}/#\` with \`mosquitto_sub\` (QoS 1, its own session).
Every alert is one \`new\` message (≈1 KB of JSON) and its evidence picture (a ${live.meanJpegBytes}-byte JPEG, 960 px
wide, from frames of \`intersection_cctv_pedestrians.mp4\`), each written to the outbox before it is published (the
alert message with synchronous=FULL, the picture with NORMAL) and deleted on PUBACK.

## Live: ${live.alerts} alerts at ${live.ratePerSecond}/s

| | p50 / p95 / p99 (max), ms | goal p99 |
|---|---:|---:|
| detection → PUBACK of the alert message | ${p(live.alertPubackMs)} | < ${GOAL_P99_MS} ms (${meets(live.alertPubackMs.p99! < GOAL_P99_MS)}) |
| detection → PUBACK of its picture (handed over a moment after the alert, as the pipeline does) | ${p(live.evidencePubackMs)} | |

"Detection" is the call that raises the alert (AlertManager.signal). Gateway CPU ${live.gatewayCpuPercent} % of one
core, broker ${live.brokerCpuPercent} %, gateway peak RSS ${live.gatewayPeakRssMB} MB, over ${live.seconds} s.

## Outage: ${outage.alerts} alerts waiting, then catch-up

The backlog of a 10-minute outage at 50 alerts/s (${outage.alerts} alerts, ${outage.messages} messages,
${outage.outboxMB} MB accounted, ${outage.storeFileMB} MB of SQLite file) was raised while the broker was stopped, as fast
as the disk took it rather than over 10 minutes: ${outage.raise.alertsPerSecond} alerts/s (two commits per alert: the
alert with FULL, then its picture) in ${outage.raise.seconds} s.

| | alerts/s (with pictures) | MB/s | gateway CPU | broker CPU | gateway peak RSS | goal |
|---|---:|---:|---:|---:|---:|---:|
| catch-up after the broker is back | ${outage.catchUp.alertsPerSecond} | ${outage.catchUp.megabytesPerSecond} | ${outage.catchUp.gatewayCpuPercent} % | ${outage.catchUp.brokerCpuPercent} % | ${outage.catchUp.gatewayPeakRssMB} MB | ≥ ${GOAL_CATCHUP}/s (${meets(outage.catchUp.alertsPerSecond! >= GOAL_CATCHUP)}) |

Catch-up is from the reconnect to the last PUBACK (outbox empty) in ${outage.catchUp.seconds} s; the IOC had every message
${outage.catchUp.atIocSeconds} s after the reconnect. CPU % is of one core over the wall time.
`;
  writeFileSync(new URL('alerts.md', dirOut), md);
  console.log(md);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
