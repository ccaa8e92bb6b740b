// Runs every `bench:*` script of package.json one after another (benchmarks must not share the CPU),
// each writing its own results to bench/results/.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
  scripts: Record<string, string>;
};
const only = process.argv.slice(2);
const names = Object.keys(pkg.scripts).filter(
  (n) => n.startsWith('bench:') && (only.length === 0 || only.includes(n.slice(6))),
);
if (names.length === 0) {
  console.error('no bench:* scripts to run');
  process.exit(1);
}
let failed = 0;
for (const name of names) {
  console.log(`\n=== npm run ${name}`);
  const r = spawnSync('npm', ['run', '--silent', name], { stdio: 'inherit' });
  if (r.status !== 0) {
    failed++;
    console.error(`${name} failed with exit ${r.status}`);
  }
}
process.exit(failed > 0 ? 1 : 0);
