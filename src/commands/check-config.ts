import { parseArgs } from 'node:util';
import { loadOrReport } from './load-config.js';

export async function checkConfigCommand(args: string[]): Promise<number> {
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
