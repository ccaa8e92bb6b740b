// Runs every `bench:*` script of package.json one after another (benchmarks must not share the CPU),
// each writing its own results to bench/results/, then writes bench/results/summary.md from them
// (`bench:summary` is that writer, not a benchmark: it runs last, also when a benchmark failed).
//   npm run bench -- [name ...]   only the named benchmarks (e.g. `npm run bench -- fleet alerts`)
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const SUMMARY = 'bench:summary';
const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
  scripts: Record<string, string>;
};
const only = process.argv.slice(2);
const names = Object.keys(pkg.scripts).filter(
  (n) => n.startsWith('bench:') && n !== SUMMARY && (only.length === 0 || only.includes(n.slice(6))),
);
if (names.length === 0) {
  console.error('no bench:* scripts to run');
  process.exit(1);
}
const failed: string[] = [];
for (const name of names) {
  console.log(`\n=== npm run ${name}`);
  const r = spawnSync('npm', ['run', '--silent', name], { stdio: 'inherit' });
  if (r.status !== 0) {
    failed.push(name);
    console.error(`${name} failed with exit ${r.status}`);
  }
}
console.log(`\n=== npm run ${SUMMARY}`);
const s = spawnSync('npm', ['run', '--silent', SUMMARY], { stdio: 'inherit' });
if (s.status !== 0) failed.push(SUMMARY);
if (failed.length > 0) console.error(`failed: ${failed.join(', ')}`);
process.exit(failed.length > 0 ? 1 : 0);
