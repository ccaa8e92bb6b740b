import { writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { parseArgs } from 'node:util';
import { Presets, SingleBar } from 'cli-progress';
import { describeLineSize } from '../analytics/line-sizes.js';
import { type AnalyzeReport, analyzeFile } from '../pipeline/analyze.js';
import { probeDuration } from '../pipeline/clip-probe.js';
import { explainPicture, videoStill } from '../pipeline/explain.js';
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
      sessions: { type: 'string' },
      explain: { type: 'boolean', default: false },
      'explain-out': { type: 'string' },
    },
  });
  const file = positionals[0];
  if (!file || positionals.length > 1) {
    process.stderr.write(
      'analyze: name one video file: ioc-edge analyze VIDEO [--config F] [--camera ID] [--json] [--every-frame] [--sessions N] [--explain [--explain-out F.jpg]]\n',
    );
    return 2;
  }
  const sessions = values.sessions === undefined ? undefined : Number(values.sessions);
  if (sessions !== undefined && !(Number.isInteger(sessions) && sessions >= 1 && sessions <= 64)) {
    process.stderr.write(
      `analyze: --sessions must be a whole number from 1 to 64, got "${values.sessions}"\n`,
    );
    return 2;
  }
  const cfg = loadOrReport(values.config ?? 'config/default.yaml');
  if (!cfg) return 1;
  let explaining: Promise<void> | undefined;
  const bar = process.stderr.isTTY ? progressBar(probeDuration(file)) : undefined;
  const explainOut = values['explain-out'] ?? `${basename(file).replace(/\.[^.]*$/, '')}.detection.jpg`;
  const report = await analyzeFile(cfg, file, {
    cameraId: values.camera,
    everyFrame: values['every-frame'],
    sessions,
    onProgress: bar?.update,
    onLayout: values.explain
      ? (layout, camera) => {
          // Where detection runs and why, before the clip is analysed.
          process.stderr.write(`detection: ${layout.explain.join('\n  ')}\n`);
          const picture = explainPicture(videoStill(file), camera, layout);
          explaining = picture.then((jpeg) => {
            writeFileSync(explainOut, jpeg);
            process.stderr.write(`detection regions drawn in ${explainOut}\n`);
          });
        }
      : undefined,
  });
  await explaining;
  bar?.done();
  process.stdout.write(values.json ? `${JSON.stringify(report)}\n` : formatReport(file, report));
  if (report.partial) {
    // Counts of part of a recording must not pass for the whole: say so where a script and a person see it.
    const p = report.partial;
    const of = p.expectedSeconds !== undefined ? ` of ${p.expectedSeconds} s` : '';
    process.stderr.write(
      `analyze: WARNING: ${file} is damaged or cut short (ffmpeg: ${p.reason}); the report covers only ` +
        `${p.decodedSeconds} s${of} that could be decoded. Exit code ${PARTIAL_EXIT_CODE}.\n`,
    );
    return PARTIAL_EXIT_CODE;
  }
  return 0;
}

/** `analyze` of a damaged or truncated file: the report is printed, flagged `partial`, and the exit code is 3. */
export const PARTIAL_EXIT_CODE = 3;

/** A progress bar on stderr (terminals only) for long clips; stdout keeps the report alone. */
function progressBar(duration: number | undefined) {
  const bar = new SingleBar(
    {
      stream: process.stderr,
      format: duration
        ? ' {bar} {percentage}% | {value}/{total} s of video | {frames} frames | eta {eta_formatted}'
        : ' {value} s of video | {frames} frames',
      hideCursor: true,
      clearOnComplete: true,
      etaBuffer: 50,
    },
    Presets.shades_classic,
  );
  bar.start(duration ? Math.round(duration) : 0, 0, { frames: 0 });
  return {
    update: (seconds: number, frames: number) => bar.update(Math.round(seconds * 10) / 10, { frames }),
    done: () => bar.stop(),
  };
}

/** Stream seconds as a person reads them (every frame of a 30 fps clip is a third of a tenth). */
const secs = (s: number) => Math.round(s * 100) / 100;

function formatReport(file: string, r: AnalyzeReport): string {
  const lines = [
    `${file}: ${r.frames} frames, ${r.seconds} s of video in ${r.wallSeconds} s (${r.fps} fps)`,
    `inference: ${r.inference.runs} runs, mean ${r.inference.meanMs} ms; motion gate skipped ${r.motionSkipped}`,
    `detection: ${r.detection.tiles.map((t) => `${t.input}${t.inferred ? '' : ' (kept)'}`).join(' + ')}; regions on ${r.detection.regionsOn} frames, off ${r.detection.regionsOff}`,
  ];
  const { whole, rows } = r.detection.levelled;
  if (whole + rows > 0)
    lines.push(
      `contrast stretched for the detector on ${whole + rows} frames (${whole} haze: the whole picture, ${rows} glare: row band by row band)`,
    );
  for (const [line, dirs] of Object.entries(r.counts)) {
    for (const [dir, classes] of Object.entries(dirs)) {
      const parts = Object.entries(classes).map(([c, n]) => `${c} ${n}`);
      lines.push(`line ${line} ${dir}: ${parts.join(', ') || 'none'}`);
    }
  }
  // Too few two-wheelers seen (a motorway): nothing to say.
  for (const s of r.lineSizes) if (s.status !== 'unknown') lines.push(describeLineSize(s));
  for (const i of r.incidents) {
    lines.push(
      `incident ${i.type} ${i.class ?? 'object'} in ${i.zone}: ${secs(i.startSeconds)}-${i.endSeconds === undefined ? 'open' : secs(i.endSeconds)} s${i.detail ? ` (${i.detail})` : ''}`,
    );
  }
  if (r.partial)
    lines.push(`PARTIAL: only ${r.partial.decodedSeconds} s could be decoded (${r.partial.reason})`);
  return `${lines.join('\n')}\n`;
}
