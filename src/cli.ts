#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { trafficAnalytics } from './analytics/stage.js';
import { Gateway } from './app/gateway.js';
import { scrubberForConfig } from './app/secrets.js';
import { onShutdownSignal } from './app/shutdown.js';
import { ConfigError } from './config/errors.js';
import { loadConfigFile, type ResolvedConfig } from './config/load.js';
import { createLogger } from './log/logger.js';
import { type AnalyzeReport, analyzeFile, probeDuration } from './vision/analyze.js';

const USAGE = `usage: ioc-edge <command> [options]

commands:
  run --config FILE           run the gateway
  check-config FILE           validate a config file; prints OK or every problem (exit 0/1)
  analyze VIDEO [--camera ID] [--json] [--every-frame]
                              run the vision path on a video file as fast as possible and report
                              frames, speed, inference time, line counts and incidents

options:
  -c, --config FILE           config file (default: config/default.yaml)
  -h, --help                  show this help
`;

type Command = (args: string[]) => Promise<number>;

const commands: Record<string, Command> = {
  run: runCommand,
  'check-config': checkConfigCommand,
  analyze: analyzeCommand,
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

async function analyzeCommand(args: string[]): Promise<number> {
  const { positionals, values } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      config: { type: 'string', short: 'c' },
      camera: { type: 'string' },
      json: { type: 'boolean', default: false },
      'every-frame': { type: 'boolean', default: false },
    },
  });
  const file = positionals[0];
  if (!file || positionals.length > 1) {
    process.stderr.write(
      'analyze: name one video file: ioc-edge analyze VIDEO [--config F] [--camera ID] [--json] [--every-frame]\n',
    );
    return 2;
  }
  const cfg = loadOrReport(values.config ?? 'config/default.yaml');
  if (!cfg) return 1;
  const bar = process.stderr.isTTY ? progressBar(probeDuration(file)) : undefined;
  const report = await analyzeFile(cfg, file, {
    cameraId: values.camera,
    everyFrame: values['every-frame'],
    // Tracking, lines, zones, incidents (issue 5).
    analytics: trafficAnalytics(),
    onProgress: bar?.update,
  });
  bar?.done();
  process.stdout.write(values.json ? `${JSON.stringify(report)}\n` : formatReport(file, report));
  return 0;
}

function progressBar(duration: number | undefined) {
  const width = 30;
  return {
    update: (seconds: number, frames: number) => {
      const frac = duration ? Math.min(1, seconds / duration) : 0;
      const filled = Math.round(frac * width);
      const bar = duration
        ? `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${Math.round(frac * 100)}% `
        : '';
      process.stderr.write(`\r${bar}${seconds.toFixed(1)} s, ${frames} frames`);
    },
    done: () => process.stderr.write('\n'),
  };
}

function formatReport(file: string, r: AnalyzeReport): string {
  const lines = [
    `${file}: ${r.frames} frames, ${r.seconds} s of video in ${r.wallSeconds} s (${r.fps} fps)`,
    `inference: ${r.inference.runs} runs, mean ${r.inference.meanMs} ms; motion gate skipped ${r.motionSkipped}`,
  ];
  for (const [line, dirs] of Object.entries(r.counts)) {
    for (const [dir, classes] of Object.entries(dirs)) {
      const parts = Object.entries(classes).map(([c, n]) => `${c} ${n}`);
      lines.push(`line ${line} ${dir}: ${parts.join(', ') || 'none'}`);
    }
  }
  for (const i of r.incidents) {
    lines.push(`incident ${i.type} ${i.class} in ${i.zone}: ${i.startSeconds}-${i.endSeconds ?? 'open'} s`);
  }
  return `${lines.join('\n')}\n`;
}

async function runCommand(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { config: { type: 'string', short: 'c' } } });
  const cfg = loadOrReport(values.config ?? 'config/default.yaml');
  if (!cfg) return 1;
  const scrubber = scrubberForConfig(cfg);
  const log = createLogger({ level: cfg.log.level, pretty: cfg.log.pretty, scrubber });
  const gateway = new Gateway(cfg, log, scrubber);
  onShutdownSignal(log, () => gateway.stop());
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
