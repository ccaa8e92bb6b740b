import { execFileSync } from 'node:child_process';
import { annotate, type LineMark, type PolygonMark, regionMark } from '../annotate/annotator.js';
import type { CameraConfig } from '../config/schema.js';
import type { DetectLayout } from '../vision/detect-layout.js';

/** One still of a video file at `seconds` (PNG, full resolution), from the ffmpeg CLI. */
export function videoStill(file: string, seconds = 1): Buffer {
  return execFileSync(
    'ffmpeg',
    [
      '-v',
      'error',
      '-ss',
      String(seconds),
      '-i',
      file,
      '-frames:v',
      '1',
      '-f',
      'image2pipe',
      '-c:v',
      'png',
      '-',
    ],
    { maxBuffer: 64 << 20, stdio: ['ignore', 'pipe', 'pipe'] },
  );
}

/**
 * The explain picture of `analyze --explain`: a still of the clip with the camera's zones and lines, each
 * detection region (its crop and model input size), and the plan's reasons in the caption.
 */
export async function explainPicture(
  still: Buffer,
  camera: Pick<CameraConfig, 'lines' | 'zones'>,
  layout: DetectLayout,
): Promise<Buffer> {
  const polygons: PolygonMark[] = camera.zones.map((z) => ({
    points: z.polygon,
    label: `${z.id} (${z.kind})`,
  }));
  layout.tiles.forEach((t, i) => {
    const [x1, y1, x2, y2] = t.rect;
    if (i === 0 && x1 === 0 && y1 === 0 && x2 === 1 && y2 === 1) return;
    const scale = layout.plan ? ` ${layout.plan.scale.toFixed(2)} px/px` : '';
    polygons.push(
      regionMark(
        t.rect,
        `${t.gated ? 'region' : 'tile'} ${i}: ${t.width}x${t.height}${scale}${t.gated ? ' (while small road users are around)' : ''}`,
      ),
    );
  });
  const lines: LineMark[] = camera.lines.map((l) => ({
    a: l.points[0] as [number, number],
    b: l.points[1] as [number, number],
    label: l.id,
    sides: l.directions,
  }));
  const whole = layout.tiles[0]!;
  const caption = `whole picture ${whole.width}x${whole.height}${whole.infer ? ' every frame' : ' (not inferred)'}${
    layout.plan ? `; cost with regions ${layout.plan.cost.toFixed(2)}x the whole picture` : ''
  }`;
  return annotate(still, { polygons, lines, caption });
}
