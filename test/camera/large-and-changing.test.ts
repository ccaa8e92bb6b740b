import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readClipFrames } from '../../src/camera/read-clip-frames.js';
import { removeDir, tempDir } from '../support/process.js';

/** Encodes `frames` frames of ffmpeg's test pattern at a size into an MPEG-TS file. */
function pattern(file: string, size: string, frames: number): void {
  execFileSync('ffmpeg', [
    '-v',
    'error',
    '-y',
    '-f',
    'lavfi',
    '-i',
    `testsrc2=size=${size}:rate=10`,
    '-frames:v',
    String(frames),
    '-c:v',
    'libx264',
    '-preset',
    'ultrafast',
    '-pix_fmt',
    'yuv420p',
    '-f',
    'mpegts',
    file,
  ]);
}

async function readAll(file: string) {
  const sizes: string[] = [];
  let frames = 0;
  for await (const f of readClipFrames({
    cameraId: 'clip',
    url: pathToFileURL(file).href,
    width: 416,
    height: 416,
  })) {
    frames++;
    sizes.push(`${f.geometry.srcWidth}x${f.geometry.srcHeight}`);
  }
  return { frames, sizes };
}

// What the hostile probe found to hold up, kept so: very large pictures and a clip whose size changes.
describe('large and changing pictures', () => {
  let dir: string;
  beforeAll(() => {
    dir = tempDir('large');
  });
  afterAll(() => removeDir(dir));

  it('4K and 8K clips are letterboxed like any other', async () => {
    for (const [size, w, h] of [
      ['3840x2160', 3840, 2160],
      ['7680x4320', 7680, 4320],
    ] as const) {
      const file = join(dir, `${size}.ts`);
      pattern(file, size, 3);
      const r = await readAll(file);
      expect(r.frames).toBe(3);
      expect(new Set(r.sizes)).toEqual(new Set([`${w}x${h}`]));
    }
  }, 120_000);

  it('a clip whose resolution changes midway is read to its end', async () => {
    const a = join(dir, 'a.ts');
    const b = join(dir, 'b.ts');
    pattern(a, '640x360', 10);
    pattern(b, '1280x960', 10);
    const joined = join(dir, 'joined.ts');
    // Byte-level concatenation of the two transport streams: the H.264 parameters change mid-stream.
    writeFileSync(joined, Buffer.concat([execFileSync('cat', [a]), execFileSync('cat', [b])]));
    const r = await readAll(joined);
    expect(r.frames).toBe(20);
  }, 60_000);
});
