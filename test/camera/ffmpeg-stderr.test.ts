import { describe, expect, it } from 'vitest';
import type { StreamInfo } from '../../src/camera/ffmpeg-log.js';
import { FfmpegStderr } from '../../src/camera/ffmpeg-stderr.js';

/** ffmpeg 5.1's input banner for a phone clip filmed upright: stored 360x640, shown turned a quarter. */
const PHONE_BANNER = [
  "Input #0, mov,mp4,m4a,3gp,3g2,mj2, from 'phone.mp4':",
  '  Metadata:',
  '    major_brand     : isom',
  '  Duration: 00:00:01.00, start: 0.000000, bitrate: 700 kb/s',
  '  Stream #0:0[0x1](und): Video: h264 (High) (avc1 / 0x31637661), yuv420p(progressive), 360x640, 690 kb/s, 10 fps, 10 tbr, 10240 tbn (default)',
  '    Metadata:',
  '      handler_name    : VideoHandler',
  '    Side data:',
  '      displaymatrix: rotation of -90.00 degrees',
  '  Stream #0:1[0x2](und): Audio: aac (LC) (mp4a / 0x6134706D), 44100 Hz, stereo, fltp, 2 kb/s (default)',
  'Stream mapping:',
];

function infos(lines: readonly string[], chunked = false, end = false): StreamInfo[] {
  const got: StreamInfo[] = [];
  const s = new FfmpegStderr((i) => got.push(i));
  if (chunked) for (const l of lines) s.write(`${l}\n`);
  else s.write(`${lines.join('\n')}\n`);
  if (end) s.end();
  return got;
}

describe('FfmpegStderr: the video stream from the input banner', () => {
  it('turns the size by the display matrix, as ffmpeg turns the frames it decodes', () => {
    expect(infos(PHONE_BANNER)).toEqual([{ codec: 'h264', width: 640, height: 360, fps: 10 }]);
    // Line by line (the banner arrives in pieces) the same, once.
    expect(infos(PHONE_BANNER, true)).toEqual([{ codec: 'h264', width: 640, height: 360, fps: 10 }]);
    // Upside down (180 degrees): the same size.
    const flipped = PHONE_BANNER.map((l) => l.replace('-90.00', '180.00'));
    expect(infos(flipped)[0]).toMatchObject({ width: 360, height: 640 });
  });

  it('hands the stream over at the next line that is not its own, or when ffmpeg ends', () => {
    const plain = PHONE_BANNER.filter((l) => !/Side data|displaymatrix/.test(l));
    // Not before the lines under the stream line are read ...
    expect(infos(plain.slice(0, 5))).toEqual([]);
    // ... then at the first line that is not one of them (the audio stream).
    expect(infos(plain.slice(0, 8))).toEqual([{ codec: 'h264', width: 360, height: 640, fps: 10 }]);
    // A stream line last of all (the banner cut off by the process's end).
    expect(infos(plain.slice(0, 5), false, true)).toHaveLength(1);
  });
});
