// bench/results/summary.md and its charts from whatever result files are in a results directory.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { charts } from './charts.js';
import { figures, type Results, type Row, SOURCES } from './figures.js';

const MARK: Record<Row['verdict'], string> = {
  pass: '✅ pass',
  miss: '❌ miss',
  'not measured': '— not measured',
  info: '',
};

/** Every `<name>.json` a figure source knows; unreadable files are reported and count as not measured. */
export function readResults(dir: string): { results: Results; problems: string[] } {
  const results: Results = {};
  const problems: string[] = [];
  for (const name of Object.keys(SOURCES)) {
    const file = join(dir, `${name}.json`);
    if (!existsSync(file)) continue;
    try {
      results[name] = JSON.parse(readFileSync(file, 'utf8'));
    } catch (err) {
      problems.push(`${name}.json: ${(err as Error).message}`);
    }
  }
  return { results, problems };
}

export interface SummaryOutcome {
  rows: Row[];
  charts: string[];
  problems: string[];
}

export async function writeSummary(resultsDir: string, outDir = resultsDir): Promise<SummaryOutcome> {
  const { results, problems } = readResults(resultsDir);
  const rows = figures(results);
  const made = await charts(results);
  for (const c of made) writeFileSync(join(outDir, c.file), c.png);
  const count = (v: Row['verdict']) => rows.filter((r) => r.verdict === v).length;
  const md = [
    '# Benchmark summary',
    '',
    `Written ${new Date().toISOString()} by \`npm run bench:summary\` from the result files in bench/results/`,
    "(each bench writes its own; the date and machine of each run are in its .md). Goals are the issues';",
    'the peer (OpenCV baseline, Node-RED) is the one measured in the same run as our figure.',
    '',
    `**${count('pass')} pass, ${count('miss')} miss, ${count('not measured')} not measured.**`,
    '',
    '| area | figure | value | goal | | peer (same run) |',
    '|---|---|---|---|---|---|',
    ...rows.map(
      (r) => `| ${r.area} | ${r.figure} | ${r.value} | ${r.goal} | ${MARK[r.verdict]} | ${r.peer ?? ''} |`,
    ),
    '',
  ];
  if (problems.length > 0) md.push('Unreadable result files:', '', ...problems.map((p) => `- ${p}`), '');
  md.push('## Charts', '');
  if (made.length === 0) md.push('No data to chart.', '');
  for (const c of made) md.push(`### ${c.title}`, '', `![${c.title}](${c.file})`, '');
  writeFileSync(join(outDir, 'summary.md'), md.join('\n'));
  return { rows, charts: made.map((c) => c.file), problems };
}
