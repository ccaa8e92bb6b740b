/**
 * npm run bench:summary — bench/results/summary.md: every headline figure beside its goal and the peer
 * measured in the same run, with PNG charts (throughput, latency, memory, fleet), from the result files
 * that exist (missing ones say "not measured"). `npm run bench` runs it after the benchmarks; run it alone
 * after re-running a single bench.
 *
 *   npm run bench:summary -- [--results DIR]
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { writeSummary } from './summary/write.js';

const { values } = parseArgs({ options: { results: { type: 'string', default: 'bench/results' } } });
const dir = resolve(values.results);
const out = await writeSummary(dir);
const n = (v: string) => out.rows.filter((r) => r.verdict === v).length;
console.log(
  `${dir}/summary.md: ${n('pass')} pass, ${n('miss')} miss, ${n('not measured')} not measured; charts: ${out.charts.join(', ') || 'none'}`,
);
for (const p of out.problems) console.error(`unreadable: ${p}`);
