#!/usr/bin/env node

const USAGE = `usage: ioc-edge <command> [options]

commands:
  run --config FILE           run the gateway
  check-config FILE           validate a config file; prints OK or every problem (exit 0/1)
  spool [--dead-letters N]    time-series spool depth, size, oldest age and the newest dead letters (JSON)
  sensors [--rejected] [-n N] configured sensor devices; with --rejected the newest rejected messages (JSON)
  probe URL [--timeout S] [--udp]
                              connect to a camera once: codec, resolution, fps, time to first
                              frame, or why not (exit 0/1)
  analyze VIDEO [--camera ID] [--json] [--every-frame] [--sessions N]
          [--explain [--explain-out F.jpg]]
                              run the vision path on a video file as fast as possible and report
                              frames, speed, inference time, line counts and incidents; --explain
                              says where detection runs and why, and draws it on a still

options:
  -c, --config FILE           config file (default: config/default.yaml)
  -h, --help                  show this help
`;

type Command = (args: string[]) => Promise<number>;

// Loaded on use: check-config need not load ONNX Runtime, sharp and the pipeline (~1 s less per call).
const commands: Record<string, () => Promise<Command>> = {
  run: async () => (await import('./commands/run.js')).runCommand,
  'check-config': async () => (await import('./commands/check-config.js')).checkConfigCommand,
  spool: async () => (await import('./commands/spool.js')).spoolCommand,
  sensors: async () => (await import('./commands/sensors.js')).sensorsCommand,
  probe: async () => (await import('./commands/probe.js')).probeCommand,
  analyze: async () => (await import('./commands/analyze.js')).analyzeCommand,
};

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '-h' || name === '--help' || name === 'help') {
    process.stdout.write(USAGE);
    return name ? 0 : 2;
  }
  const load = commands[name];
  if (!load) {
    process.stderr.write(`ioc-edge: unknown command "${name}"\n\n${USAGE}`);
    return 2;
  }
  // Before the command parses its options: "--help" is no option of theirs (after "--" it is an argument).
  const end = rest.indexOf('--');
  const options = end < 0 ? rest : rest.slice(0, end);
  if (options.includes('-h') || options.includes('--help')) {
    process.stdout.write(USAGE);
    return 0;
  }
  try {
    const command = await load();
    return await command(rest);
  } catch (err) {
    process.stderr.write(`ioc-edge ${name}: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
}

main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
