#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { Gateway } from './app/gateway.js';
import { scrubberForConfig } from './app/secrets.js';
import { onCrash, onShutdownSignal } from './app/shutdown.js';
import { probeCamera } from './camera/probe.js';
import { ConfigError } from './config/errors.js';
import { loadConfigFile, type ResolvedConfig } from './config/load.js';
import { createLogger } from './log/logger.js';
import { redactUrl } from './log/redact.js';
import { spoolCommand } from './timeseries/spool-command.js';

const USAGE = `usage: ioc-edge <command> [options]

commands:
  run --config FILE           run the gateway
  check-config FILE           validate a config file; prints OK or every problem (exit 0/1)
  spool [--dead-letters N]    time-series spool depth, size, oldest age and the newest dead letters (JSON)
  probe URL [--timeout S] [--udp]
                              connect to a camera once: codec, resolution, fps, time to first
                              frame, or why not (exit 0/1)

options:
  -c, --config FILE           config file (default: config/default.yaml)
  -h, --help                  show this help
`;

type Command = (args: string[]) => Promise<number>;

const commands: Record<string, Command> = {
  run: runCommand,
  'check-config': checkConfigCommand,
  spool: (args) => spoolCommand(args, loadOrReport),
  probe: probeCommand,
};

/** Loads a config or prints every problem to stderr; undefined means exit 1. */
export function loadOrReport(file: string): ResolvedConfig | undefined {
  try {
    return loadConfigFile(file);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      return undefined;
    }
    throw err;
  }
}

async function checkConfigCommand(args: string[]): Promise<number> {
  const { positionals, values } = parseArgs({
    args,
    allowPositionals: true,
    options: { config: { type: 'string', short: 'c' } },
  });
  const file = positionals[0] ?? values.config;
  if (!file) {
    process.stderr.write('check-config: name the config file: ioc-edge check-config FILE\n');
    return 2;
  }
  const cfg = loadOrReport(file);
  if (!cfg) return 1;
  process.stdout.write(`OK ${cfg.source}: node ${cfg.node.id}, ${cfg.cameras.length} camera(s)\n`);
  return 0;
}

async function probeCommand(args: string[]): Promise<number> {
  const { positionals, values } = parseArgs({
    args,
    allowPositionals: true,
    options: { timeout: { type: 'string', short: 't' }, udp: { type: 'boolean' } },
  });
  const url = positionals[0];
  if (!url) {
    process.stderr.write('probe: name the camera URL: ioc-edge probe rtsp://user:pass@host/path\n');
    return 2;
  }
  const timeoutS = Number(values.timeout ?? 10);
  if (!(timeoutS > 0)) {
    process.stderr.write(`probe: --timeout must be a positive number of seconds, got "${values.timeout}"\n`);
    return 2;
  }
  const shown = redactUrl(url);
  const r = await probeCamera(url, { timeoutMs: timeoutS * 1000, transport: values.udp ? 'udp' : 'tcp' });
  if (r.ok) {
    const fps = r.info.fps !== undefined ? `${r.info.fps} fps` : 'fps unknown';
    process.stdout.write(
      `OK ${shown}: ${r.info.codec} ${r.info.width}x${r.info.height} ${fps}, first frame after ${r.firstFrameMs} ms\n`,
    );
    return 0;
  }
  const why: Record<string, string> = {
    unauthorized: 'unauthorized (wrong user or password)',
    not_found: 'not found (wrong path or file)',
    unreachable: 'unreachable (nothing answers at that host/port)',
    timeout: `timeout (no frame within ${timeoutS} s)`,
    unsupported_codec: 'unsupported codec',
    bad_stream: 'bad stream (data could not be decoded)',
    bad_config: 'bad URL or options',
    no_video: 'no video stream',
    unknown: 'failed',
  };
  const detail = r.detail ? `\n  ffmpeg: ${redactUrl(r.detail)}` : '';
  process.stdout.write(`FAIL ${shown}: ${why[r.reason] ?? r.reason}${detail}\n`);
  return 1;
}

async function runCommand(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { config: { type: 'string', short: 'c' } } });
  const cfg = loadOrReport(values.config ?? 'config/default.yaml');
  if (!cfg) return 1;
  const scrubber = scrubberForConfig(cfg);
  const level = process.env.IOC_EDGE_LOG_LEVEL || cfg.log.level;
  const log = createLogger({ level, pretty: cfg.log.pretty, scrubber });
  const gateway = new Gateway(cfg, log, scrubber);
  onShutdownSignal(log, () => gateway.stop());
  onCrash(log, () => gateway.stop());
  try {
    await gateway.start();
  } catch (err) {
    log.fatal({ err }, 'start failed');
    await gateway.stop();
    return 1;
  }
  return new Promise<number>(() => {
    // Runs until a signal; the shutdown handler exits the process.
  });
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '-h' || name === '--help' || name === 'help') {
    process.stdout.write(USAGE);
    return name ? 0 : 2;
  }
  const command = commands[name];
  if (!command) {
    process.stderr.write(`ioc-edge: unknown command "${name}"\n\n${USAGE}`);
    return 2;
  }
  try {
    return await command(rest);
  } catch (err) {
    process.stderr.write(`ioc-edge ${name}: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
}

main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
