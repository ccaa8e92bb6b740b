import { parseArgs } from 'node:util';
import { loadOrReport } from './load-config.js';

/** `ioc-edge check-config FILE...`: every file checked, every problem printed; exit 1 when any fails. */
export async function checkConfigCommand(args: string[]): Promise<number> {
  const { positionals, values } = parseArgs({
    args,
    allowPositionals: true,
    options: { config: { type: 'string', short: 'c' } },
  });
  const files = positionals.length > 0 ? positionals : values.config ? [values.config] : [];
  if (files.length === 0) {
    process.stderr.write('check-config: name the config file: ioc-edge check-config FILE...\n');
    return 2;
  }
  let failed = 0;
  for (const file of files) {
    const cfg = loadOrReport(file);
    if (!cfg) {
      failed++;
      continue;
    }
    process.stdout.write(`OK ${cfg.source}: node ${cfg.node.id}, ${cfg.cameras.length} camera(s)\n`);
  }
  return failed > 0 ? 1 : 0;
}
