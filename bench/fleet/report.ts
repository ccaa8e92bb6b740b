// bench/results/fleet.md from the fleet bench's result object.
import type { FleetResult } from './analyze.js';

type FleetOut = FleetResult & {
  at: string;
  machine: string;
  loadAfter: number[];
  config: {
    instances: number;
    workers: number;
    sites: number;
    runSeconds: number;
    outageSeconds: number;
    outageAtSeconds: number;
    heartbeatSeconds: number;
    telemetrySeconds: number;
    alertEverySeconds: number;
    readingEverySeconds: number;
    broker: string;
  };
};

export function fleetMarkdown(o: FleetOut): string {
  const c = o.config;
  const t = o.throughput;
  const l = o.latencyMs;
  const a = o.alerts;
  const h = o.heartbeat;
  const p = o.resources.perInstance;
  const pct = (x: number) => `${(x * 100).toFixed(1)} %`;
  const kinds = Object.entries(t.kinds)
    .map(([k, v]) => `| ${k} | ${v.messages} | ${v.meanBytes} |`)
    .join('\n');
  return `# Fleet: ${c.instances} gateways against one broker

${o.at} · ${o.machine} · load after ${o.loadAfter.join(' ')}

${c.instances} gateway instances (real alerts + SQLite outbox + MQTT uplink each, own store, node id and
site; ${c.sites} sites) in ${c.workers} processes, one ${c.broker}, one IOC consumer on \`ioc/+/+/#\`.
Rates (production defaults sped up 6×): heartbeat every ${c.heartbeatSeconds} s (default 30 s), telemetry
every ${c.telemetrySeconds} s (default 60 s) carrying 32 interval counts and 20 sensor metrics fed one
reading per device every ${c.readingEverySeconds} s, one alert raised per box every ${c.alertEverySeconds} s
on average (incident / congestion / sensor threshold, each new → updates → end). Run ${c.runSeconds} s,
broker stopped at +${c.outageAtSeconds} s for ${c.outageSeconds} s.

## Throughput

| | value |
|---|---|
| messages/s at the consumer (whole run) | ${t.consumerMsgsPerS} |
| messages/s at the consumer (outside the outage) | ${t.consumerSteadyMsgsPerS} |
| busiest second (messages) | ${t.consumerPeakMsgsPerS} |
| bytes/s at the consumer | ${t.consumerBytesPerS} |
| broker $SYS PUBLISH in / out per s (see note) | ${t.sysPublishInPerS} / ${t.sysPublishOutPerS} |
| broker $SYS bytes in / out per s | ${t.sysBytesInPerS} / ${t.sysBytesOutPerS} |
| per box: messages/s, bytes/s | ${o.perNode.msgsPerS}, ${o.perNode.bytesPerS} |
| per box: alerts raised/h, alert messages/h | ${o.perNode.alertsRaisedPerHour}, ${o.perNode.alertMessagesPerHour} |

Note: Mosquitto's \`$SYS/broker/publish/messages/received\` leaves out PUBLISH packets with the RETAIN flag
(its packet-type test masks the command byte with 0xF5, which keeps the retain bit), i.e. every health and
status message here (20/s at 100 boxes); add them and it comes close to the consumer's count. "Out" includes the $SYS messages
themselves; bytes in and out agree with the consumer.

| kind | messages | mean bytes |
|---|---|---|
${kinds}

## Alerts (raised → received at the IOC consumer)

| | n | p50 ms | p95 ms | p99 ms | max ms |
|---|---|---|---|---|---|
| outside the outage | ${l.steady.n} | ${l.steady.p50} | ${l.steady.p95} | ${l.steady.p99} | ${l.steady.max} |
| raised during the outage / reconnect | ${l.outageAffected.n} | ${l.outageAffected.p50} | ${l.outageAffected.p95} | ${l.outageAffected.p99} | ${l.outageAffected.max} |

${a.raised} alerts raised, ${a.messagesExpected} alert messages made; ${a.messagesReceivedDistinct} distinct
(id, seq) received, ${a.missing} missing, ${a.unexpected} unknown, ${a.duplicatesDropped} QoS 1 redeliveries
dropped by (id, seq), ${a.outOfOrder} alerts out of order; outboxes left: ${a.outboxLeft}.
**Every alert exactly once by id: ${a.exactlyOnceById ? 'yes' : 'NO'}.**

## Heartbeats

Received / expected (${h.expectedPerBox} per box over the run): min ${pct(h.completeness.min)}, mean
${pct(h.completeness.mean)}; outside each box's outage (broker stop → that box online again) min
${pct(h.completenessOutsideOutage.min)}, mean ${pct(h.completenessOutsideOutage.mean)}. Longest gap per box: median ${h.maxGapSeconds.median} s, max
${h.maxGapSeconds.max} s (the ${o.outage.seconds} s outage plus the reconnect backoff, 1 s → 60 s with jitter).
All boxes online again ${o.outage.allBackOnlineSeconds ?? 'NOT'} s after the broker came back.

## Resources

| | CPU % of a core | RSS MB | PSS MB |
|---|---|---|---|
| per instance (process share) | ${p.cpuPercent} | ${p.rssShareMB} (marginal ${p.rssMarginalMB}) | ${p.pssShareMB} |
| broker | ${o.resources.broker.cpuPercent} | ${o.resources.broker.rssMB} | ${o.resources.broker.pssMB} |
| consumer | ${o.resources.consumer.cpuPercent} | ${o.resources.consumer.rssMB} | ${o.resources.consumer.pssMB} |
${o.resources.workers.map((w, i) => `| worker ${i} (${w.boxes} boxes, base ${w.baseRssMB} MB) | ${w.cpuPercent} | ${w.rssMB} | ${w.pssMB} |`).join('\n')}

"Marginal" is the worker's RSS above the same process with the gateway code loaded and no box started,
shared out over its boxes. A real box runs one instance per process, so it also pays that base once.
`;
}
