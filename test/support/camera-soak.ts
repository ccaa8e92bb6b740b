import { join } from 'node:path';
import { cameraList, gatewayConfig, startGateway } from './gateway-run.js';
import { childrenNamed, fdCount, median, memoryOf, slope } from './proc-stats.js';
import { freePort, removeDir, tempDir, waitUntil } from './process.js';
import { type RtspCamera, startRtspCamera } from './rtsp-camera.js';

export interface SoakOptions {
  minutes: number;
  /** A camera goes down (SIGKILL: power loss) every this many seconds, round-robin over the servers. */
  flapEverySeconds: number;
  /** How long a camera stays down. */
  downSeconds: number;
  sampleEverySeconds: number;
  /** Run the gateway from dist/ (built beforehand) instead of the sources. */
  built?: boolean;
  log?: (line: string) => void;
}

export interface SoakSample {
  /** Seconds since the sampling started. */
  t: number;
  gatewayPssMb: number;
  gatewayRssMb: number;
  gatewayFds: number;
  ffmpegProcesses: number;
  ffmpegPssMb: number;
  streaming: number;
}

export interface SoakResult {
  options: SoakOptions;
  samples: SoakSample[];
  flaps: number;
  /** Least-squares slopes over the samples after the first fifth (warm-up), per hour. */
  slopes: {
    gatewayPssMbPerHour: number;
    gatewayRssMbPerHour: number;
    fdsPerHour: number;
    ffmpegPssMbPerHour: number;
  };
  /** Medians of the first and last third after warm-up. */
  thirds: {
    gatewayPssMb: [number, number];
    gatewayRssMb: [number, number];
    gatewayFds: [number, number];
    ffmpegPssMb: [number, number];
  };
  /** Max open fds of the gateway before and after the warm-up. */
  fdsMax: [number, number];
  /** Cameras streaming once the last camera came back. */
  streamingAtEnd: number;
  cameras: Array<{ id: string; state: string; reconnects?: number }>;
  /** The gateway's warnings about cameras (state, reason, detail), in order. */
  warnings: string[];
}

const round = (x: number, d = 1) => Math.round(x * 10 ** d) / 10 ** d;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The assembled gateway (`ioc-edge run`) on 4 RTSP test cameras with clips on, one of them with a detect
 * substream and its main stream on a second server (recorded by its own ffmpeg); the five servers go down
 * and come back one after another. Samples the gateway's PSS/RSS, open fds and its ffmpeg processes.
 */
export async function runCameraSoak(o: SoakOptions): Promise<SoakResult> {
  const log = o.log ?? (() => {});
  const dir = tempDir('soak-cameras');
  const servers: RtspCamera[] = [];
  try {
    for (let i = 0; i < 4; i++) servers.push(await startRtspCamera());
    servers.push(await startRtspCamera({ size: '720p' }));
    const cameras = [
      { id: 'cam1', url: servers[0]!.url, clips: true },
      { id: 'cam2', url: servers[1]!.url, clips: true },
      { id: 'cam3', url: servers[2]!.url, clips: true },
      {
        id: 'cam4',
        inputs: [
          { url: servers[3]!.url, roles: ['detect' as const] },
          { url: servers[4]!.url, roles: ['record' as const] },
        ],
        clips: true,
      },
    ];
    const text = gatewayConfig({ dataDir: join(dir, 'data'), cameras, brokerPort: await freePort() });
    const gw = await startGateway(text, dir, { built: o.built });
    const warnings: string[] = [];
    let partial = '';
    gw.proc.child.stdout?.on('data', (chunk: Buffer) => {
      const lines = (partial + chunk.toString()).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) {
        if (!line.includes('"level":40') && !line.includes('"level":50')) continue;
        try {
          const j = JSON.parse(line) as Record<string, unknown>;
          warnings.push(`${j.camera ?? ''} ${j.msg} ${j.reason ?? ''} ${j.detail ?? ''}`.trim());
        } catch {
          warnings.push(line.slice(0, 300));
        }
      }
    });
    try {
      const streamingCount = async () =>
        (await cameraList(gw.api)).filter((c) => c.state === 'streaming').length;
      await waitUntil('4 cameras streaming', async () => (await streamingCount()) === 4, {
        timeoutMs: 60_000,
      });
      const samples: SoakSample[] = [];
      const t0 = Date.now();
      const end = t0 + o.minutes * 60_000;
      let nextFlap = t0 + o.flapEverySeconds * 1000;
      let nextSample = t0;
      let flaps = 0;
      const down: Promise<void>[] = [];
      while (Date.now() < end) {
        const now = Date.now();
        if (now >= nextSample) {
          nextSample += o.sampleEverySeconds * 1000;
          const ff = childrenNamed(gw.pid, 'ffmpeg').map((p) => memoryOf(p)?.pssKb ?? 0);
          const m = memoryOf(gw.pid);
          const s: SoakSample = {
            t: round((now - t0) / 1000, 0),
            gatewayPssMb: round((m?.pssKb ?? 0) / 1024),
            gatewayRssMb: round((m?.rssKb ?? 0) / 1024),
            gatewayFds: fdCount(gw.pid),
            ffmpegProcesses: ff.length,
            ffmpegPssMb: round(ff.reduce((a, b) => a + b, 0) / 1024),
            streaming: await streamingCount(),
          };
          samples.push(s);
          log(JSON.stringify(s));
        }
        if (now >= nextFlap) {
          nextFlap += o.flapEverySeconds * 1000;
          const server = servers[flaps % servers.length]!;
          flaps++;
          down.push(
            (async () => {
              await server.kill();
              await sleep(o.downSeconds * 1000);
              await server.restart();
            })(),
          );
        }
        await sleep(Math.max(50, Math.min(nextSample, nextFlap, end) - Date.now()));
      }
      await Promise.all(down);
      await waitUntil('cameras back', async () => (await streamingCount()) === 4, {
        timeoutMs: 90_000,
      }).catch(() => {});
      const list = (await cameraList(gw.api)) as Array<{ id: string; state: string; reconnects?: number }>;
      const warm = samples.filter((s) => s.t >= (o.minutes * 60) / 5);
      const xs = warm.map((s) => s.t / 3600);
      const third = Math.max(1, Math.floor(warm.length / 3));
      const firstLast = (f: (s: SoakSample) => number): [number, number] => [
        round(median(warm.slice(0, third).map(f))),
        round(median(warm.slice(-third).map(f))),
      ];
      return {
        options: o,
        samples,
        flaps,
        slopes: {
          gatewayPssMbPerHour: round(
            slope(
              xs,
              warm.map((s) => s.gatewayPssMb),
            ),
          ),
          gatewayRssMbPerHour: round(
            slope(
              xs,
              warm.map((s) => s.gatewayRssMb),
            ),
          ),
          fdsPerHour: round(
            slope(
              xs,
              warm.map((s) => s.gatewayFds),
            ),
          ),
          ffmpegPssMbPerHour: round(
            slope(
              xs,
              warm.map((s) => s.ffmpegPssMb),
            ),
          ),
        },
        thirds: {
          gatewayPssMb: firstLast((s) => s.gatewayPssMb),
          gatewayRssMb: firstLast((s) => s.gatewayRssMb),
          gatewayFds: firstLast((s) => s.gatewayFds),
          ffmpegPssMb: firstLast((s) => s.ffmpegPssMb),
        },
        fdsMax: [
          Math.max(...samples.filter((s) => !warm.includes(s)).map((s) => s.gatewayFds), 0),
          Math.max(...warm.map((s) => s.gatewayFds)),
        ],
        streamingAtEnd: list.filter((c) => c.state === 'streaming').length,
        cameras: list.map((c) => ({ id: c.id, state: c.state, reconnects: c.reconnects })),
        warnings,
      };
    } finally {
      await gw.stop();
    }
  } finally {
    await Promise.all(servers.map((s) => s.stop()));
    removeDir(dir);
  }
}
