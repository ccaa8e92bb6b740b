import { parseArgs } from 'node:util';
import { type AnalyzeReport, analyzeFile, probeDuration } from '../pipeline/analyze.js';
import { loadOrReport } from './load-config.js';

export async function analyzeCommand(args: string[]): Promise<number> {
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
