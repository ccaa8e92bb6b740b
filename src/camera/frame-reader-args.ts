import ffmpeg from 'fluent-ffmpeg';
import { type FfmpegInput, ffmpegInput } from './ffmpeg-input.js';
import type { FrameReaderOptions } from './frame-reader-options.js';
import { layoutFilters, type TileSpec } from './letterbox.js';

/**
 * How ffmpeg opens the reader's input (for a network camera: the URL comes on stdin, never on the command
 * line).
 */
export function readerInput(o: FrameReaderOptions): FfmpegInput {
  return ffmpegInput({
    url: o.url,
    transport: o.transport,
    ioTimeoutMs: o.ioTimeoutMs,
    realtime: o.realtime,
    loop: o.loop,
  });
}

/**
 * The ffmpeg arguments (built with fluent-ffmpeg) of a reader: decode, letterbox into `layout` at `o.fps`,
 * BGR24 rawvideo to the unix socket `target` (`unix:<path>`, which ffmpeg listens on: frame-socket.ts),
 * plus the extra outputs.
 */
export function readerArgs(o: FrameReaderOptions, layout: readonly TileSpec[], target: string): string[] {
  const { options, source } = readerInput(o);
  const input: string[] = ['-hide_banner', '-nostdin', '-nostats', '-loglevel', 'info', ...options];
  if (o.hwaccel && o.hwaccel !== 'none') input.push('-hwaccel', o.hwaccel);
  if (o.decoderThreads !== undefined) {
    // Scale/pad run in the filter graph: its slice threads cost ~10 % more CPU per frame for one
    // camera and only add contention with many, so they follow the decoder's thread count.
    input.push('-threads', String(o.decoderThreads), '-filter_threads', String(o.decoderThreads));
  }

  const cmd = ffmpeg().input(source).inputOptions(input);
  cmd
    .output(target)
    .outputOptions(['-map', '0:v:0', '-an', '-sn', '-dn', '-listen', '1'])
    .videoFilters(layoutFilters(layout, o.fps))
    .outputOptions(o.fps === undefined ? ['-fps_mode', 'passthrough'] : [])
    .outputOptions(['-pix_fmt', 'bgr24'])
    .format('rawvideo');
  for (const extra of o.extraOutputs ?? []) {
    cmd.output(extra.target).outputOptions(['-map', '0:v:0', ...extra.options]);
  }
  return (cmd as unknown as { _getArguments(): string[] })._getArguments();
}
