import { styleText } from 'node:util';
import type { Box } from '../pipeline/box.js';

const EVERY_MS = 15_000;

/**
 * What a technician at a terminal wants to see of `run`, between the log lines: each camera's state and
 * fps, the last closed count interval per line, open incidents and the spool depth. Printed every 15 s
 * (the first soon after start); JSON logs (not a terminal) never get it.
 */
export function startRunSummary(box: Box, out: NodeJS.WriteStream): { stop(): void } {
  const print = () => out.write(formatSummary(box, new Date()));
  const first = setTimeout(print, 3000);
  const timer = setInterval(print, EVERY_MS);
  first.unref();
  timer.unref();
  return {
    stop: () => {
      clearTimeout(first);
      clearInterval(timer);
    },
  };
}

const fps = (n: number | undefined) => (n === undefined ? '–' : n.toFixed(1));

export function formatSummary(box: Box, now: Date): string {
  const cfg = box.runner.config;
  const g = box.gateway;
  const health = g?.cameras?.health() ?? {};
  const cams = cfg.cameras.filter((c) => c.enabled);
  const streaming = cams.filter((c) => health[c.id]?.state === 'streaming').length;
  const lines: string[] = [];
  const time = now.toTimeString().slice(0, 8);
  const api = box.api.url ? ` · console ${box.api.url}/` : '';
  lines.push(styleText('bold', `── ${cfg.node.id} ${time}${api}`));
  lines.push(
    ` cameras ${streaming}/${cams.length} streaming${box.runner.applying ? ' (applying a new config)' : ''}`,
  );
  for (const c of cams) {
    const h = health[c.id];
    const state = h?.state ?? 'starting';
    const styled = styleText(state === 'streaming' ? 'green' : 'yellow', state.padEnd(12));
    const why = h?.reason && state !== 'streaming' ? ` (${h.reason})` : '';
    lines.push(
      `   ${c.id.padEnd(14)} ${styled} ${fps(h?.frameFps)} fps in · ${fps(h?.detectFps)} detect${why}`,
    );
  }
  const counted = cams.flatMap((c) => c.lines.map((l) => ({ cam: c, line: l })));
  if (counted.length > 0) lines.push(' counts, last closed interval:');
  for (const { cam, line } of counted) {
    const last = box.counts.latest(cam.id, line.id);
    if (!last) {
      lines.push(`   ${`${cam.id}/${line.id}`.padEnd(24)} (no interval closed yet)`);
      continue;
    }
    const secs = Math.round((last.endMs - last.startMs) / 1000);
    const parts = line.directions.map((d) => {
      const per = Object.entries(last.counts[d] ?? {})
        .map(([cls, n]) => `${cls} ${n}`)
        .join(' ');
      return `${d}: ${per || '0'}`;
    });
    lines.push(`   ${`${cam.id}/${line.id}`.padEnd(24)} ${parts.join(' · ')}  (${secs} s)`);
  }
  const open = box.openIncidents();
  const spool = g?.timeseries?.health();
  const incidents = open.length === 0 ? 'none' : open.map((i) => `${i.type}@${i.cameraId}`).join(', ');
  lines.push(` incidents open: ${incidents}`);
  if (spool) {
    const mb = (spool.spool.bytes / 1e6).toFixed(1);
    lines.push(` spool ${spool.spool.points} points (${mb} MB) · time series ${spool.state}`);
  }
  return `${lines.join('\n')}\n`;
}
