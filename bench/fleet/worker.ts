// A child process of the fleet bench running `count` gateway instances (bench/fleet/instance.ts).
import { join } from 'node:path';
import pino from 'pino';
import { FleetInstance } from './instance.js';
import type { FromWorker, ToWorker, WorkerSpec } from './protocol.js';

// The process as loaded with the gateway code, before any instance: the base the per-instance share is over.
const baseRss = process.memoryUsage().rss;
const spec = JSON.parse(process.env.FLEET_WORKER ?? '') as WorkerSpec;
const log = pino({ level: process.env.FLEET_LOG ?? 'error' });
const send = (m: FromWorker) => process.send?.(m);

const instances: FleetInstance[] = [];
for (let i = spec.first; i < spec.first + spec.count; i++) {
  const id = `box-${String(i + 1).padStart(3, '0')}`;
  const site = `site-${String((i % spec.sites) + 1).padStart(2, '0')}`;
  instances.push(new FleetInstance(id, site, spec.brokerUrl, join(spec.dir, id), spec.rates, log));
}
let status: NodeJS.Timeout | undefined;

process.on('message', (m: ToWorker) => {
  void handle(m).catch((err) => {
    console.error(err);
    process.exit(1);
  });
});

async function handle(m: ToWorker): Promise<void> {
  if (m.cmd === 'start') {
    // Boxes of a province are not powered on in the same second: starts are spread over one heartbeat
    // period, so heartbeats and telemetry (timed from each box's start) do not all coincide.
    const gap = spec.rates.heartbeatMs / instances.length;
    for (const inst of instances) {
      await inst.start();
      await new Promise((r) => setTimeout(r, gap));
    }
    send({ type: 'started' });
    status = setInterval(() => {
      let connected = 0;
      let idle = 0;
      let outbox = 0;
      for (const inst of instances) {
        if (inst.connected) connected++;
        if (inst.idle) idle++;
        outbox += inst.outboxDepth();
      }
      send({ type: 'status', connected, idle, outbox });
    }, 1000);
  } else if (m.cmd === 'quiesce') {
    for (const inst of instances) inst.quiesce();
  } else if (m.cmd === 'report') {
    send({ type: 'report', instances: instances.map((i) => i.report()) });
  } else {
    clearInterval(status);
    await Promise.all(instances.map((i) => i.stop()));
    send({ type: 'stopped' });
    process.disconnect();
  }
}

send({ type: 'ready', rssBytes: baseRss });
