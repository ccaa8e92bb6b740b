/**
 * npm run soak:cameras — the long camera soak (the 2-minute one runs with the tests: test/soak/cameras.test.ts).
 *
 * The assembled gateway as production runs it (node dist/cli.js, built first) on 4 RTSP test cameras with
 * clips on (one with a detect substream and its main stream recorded by a second ffmpeg); the five RTSP
 * servers go down (SIGKILL) and come back one after another, so each camera drops every few minutes.
 * The gateway's PSS/RSS and open fds and its ffmpeg processes' PSS are sampled every 10 s; the report
 * gives the least-squares slopes after the warm-up (first fifth) and the first/last third medians.
 *
 *   npm run soak:cameras -- [--minutes 60] [--flap-every 45] [--down 10] [--no-build]
 *
 * Writes bench/results/soak-cameras.{md,json}.
 */
import { writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { runCameraSoak } from '../test/support/camera-soak.js';
import { buildGateway } from '../test/support/gateway-run.js';

const { values } = parseArgs({
  options: {
    minutes: { type: 'string', default: '60' },
    'flap-every': { type: 'string', default: '45' },
    down: { type: 'string', default: '10' },
    'no-build': { type: 'boolean', default: false },
  },
});

async function main() {
  if (!values['no-build']) buildGateway();
  const load = loadavg();
  const started = new Date().toISOString();
  const r = await runCameraSoak({
    minutes: Number(values.minutes),
    flapEverySeconds: Number(values['flap-every']),
    downSeconds: Number(values.down),
    sampleEverySeconds: 10,
    built: true,
    log: (line) => console.log(line),
  });
  const out = {
    date: started,
    machine: { cpus: cpus().length, model: cpus()[0]?.model, loadavgAtStart: load },
    ...r,
  };
  const dir = resolve('bench/results');
  writeFileSync(join(dir, 'soak-cameras.json'), `${JSON.stringify(out, null, 2)}\n`);
  const everyMinute = r.samples.filter((_s, i) => i % 6 === 0 || i === r.samples.length - 1);
  const md = [
    '# soak:cameras',
    '',
    `${started}, ${out.machine.cpus} x ${out.machine.model}, load average at start ${load.map((x) => x.toFixed(1)).join(' ')}.`,
    `The assembled gateway (node dist/cli.js) on 4 RTSP test cameras with clips on (cam4: detect substream +`,
    `main stream recorded by a second ffmpeg), ${r.options.minutes} min; an RTSP server killed every`,
    `${r.options.flapEverySeconds} s (round-robin over 5 servers, down ${r.options.downSeconds} s): ${r.flaps} drops, each camera`,
    `every ~${Math.round((r.options.flapEverySeconds * 5) / 60)} min. Samples every ${r.options.sampleEverySeconds} s; slopes by least squares after the first fifth.`,
    '',
    '| | slope per hour | first third | last third |',
    '|---|---|---|---|',
    `| gateway PSS MB | ${r.slopes.gatewayPssMbPerHour} | ${r.thirds.gatewayPssMb[0]} | ${r.thirds.gatewayPssMb[1]} |`,
    `| gateway RSS MB | ${r.slopes.gatewayRssMbPerHour} | | |`,
    `| gateway open fds | ${r.slopes.fdsPerHour} | ${r.thirds.gatewayFds[0]} | ${r.thirds.gatewayFds[1]} |`,
    `| ffmpeg PSS MB (all) | ${r.slopes.ffmpegPssMbPerHour} | ${r.thirds.ffmpegPssMb[0]} | ${r.thirds.ffmpegPssMb[1]} |`,
    '',
    `Cameras at the end: ${r.cameras.map((c) => `${c.id} ${c.state} (${c.reconnects ?? 0} reconnects)`).join(', ')}.`,
    '',
    '| t s | gateway PSS MB | gateway RSS MB | fds | ffmpeg processes | ffmpeg PSS MB | streaming |',
    '|---|---|---|---|---|---|---|',
    ...everyMinute.map(
      (s) =>
        `| ${s.t} | ${s.gatewayPssMb} | ${s.gatewayRssMb} | ${s.gatewayFds} | ${s.ffmpegProcesses} | ${s.ffmpegPssMb} | ${s.streaming} |`,
    ),
    '',
  ].join('\n');
  writeFileSync(join(dir, 'soak-cameras.md'), md);
  console.log(md);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
