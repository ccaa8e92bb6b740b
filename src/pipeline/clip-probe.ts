import { execFileSync } from 'node:child_process';

/** Fields (`entries`, e.g. "width,height") of a clip's first video stream from ffprobe, or undefined. */
export function probeStream(file: string, entries: string): string[] | undefined {
  try {
    const out = execFileSync(
      'ffprobe',
      ['-v', 'error', '-select_streams', 'v:0', '-show_entries', `stream=${entries}`, '-of', 'csv=p=0', file],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] },
    );
    return out.trim().split(',');
  } catch {
    return undefined;
  }
}

/** Picture size of a clip's first video stream from ffprobe, or undefined when it cannot tell. */
export function probeVideoSize(file: string): [number, number] | undefined {
  const [w, h] = (probeStream(file, 'width,height') ?? []).map(Number);
  return w && h ? [w, h] : undefined;
}

/** Clip duration in seconds from ffprobe, or undefined when it cannot tell (for the progress bar only). */
export function probeDuration(file: string): number | undefined {
  try {
    const out = execFileSync(
      'ffprobe',
      ['-v', 'error', '-show_entries', 'format=duration', '-of', 'default=nw=1:nk=1', file],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] },
    );
    const d = Number(out.trim());
    return Number.isFinite(d) && d > 0 ? d : undefined;
  } catch {
    return undefined;
  }
}
