import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { REGION_COLOUR } from '../../src/annotate/annotator.js';
import { layoutRegions, type TileSpec } from '../../src/camera/letterbox.js';
import { drawOverlay, snapshotMarks } from '../../src/camera/snapshot-overlay.js';
import { detectLayout } from '../../src/vision/detect-layout.js';

const WHOLE: TileSpec = { rect: [0, 0, 1, 1], width: 416, height: 256, infer: true };
const REGION: TileSpec = { rect: [0, 0.55, 1, 0.85], width: 960, height: 160, infer: true, gated: true };

/**
 * The least distance (sum of channel differences) from a #rrggbb colour within 2 px of (x, y) up and down
 * and `rx` px across: JPEG blurs strokes, and a dashed one has gaps.
 */
async function offNear(jpeg: Buffer, x: number, y: number, hex: string, rx = 2): Promise<number> {
  const { data, info } = await sharp(jpeg).raw().toBuffer({ resolveWithObject: true });
  const v = Number.parseInt(hex.slice(1), 16);
  let best = Number.POSITIVE_INFINITY;
  for (let dy = -2; dy <= 2; dy++) {
    for (let dx = -rx; dx <= rx; dx++) {
      const i = ((y + dy) * info.width + x + dx) * info.channels;
      const d =
        Math.abs(data[i]! - (v >> 16)) +
        Math.abs(data[i + 1]! - ((v >> 8) & 255)) +
        Math.abs(data[i + 2]! - (v & 255));
      best = Math.min(best, d);
    }
  }
  return best;
}

describe('snapshot overlay: where detection looks closer', () => {
  it('takes the regions after the whole picture, and none from hand tiles that start with a crop', () => {
    expect(layoutRegions([WHOLE, REGION])).toEqual([REGION]);
    expect(layoutRegions([WHOLE])).toEqual([]);
    expect(layoutRegions([{ ...REGION, rect: [0, 0.3, 0.6, 1] }, REGION])).toEqual([]);
    expect(layoutRegions([])).toEqual([]);
  });

  it("takes the automatic plan's region for a line low in a camera's picture", () => {
    const camera = {
      lines: [
        {
          id: 'l',
          points: [
            [0, 0.7],
            [1, 0.7],
          ] as [number, number][],
          directions: ['down', 'up'],
        },
      ],
      zones: [],
      detect: { budget: 4 },
    } as unknown as Parameters<typeof detectLayout>[0];
    const model = { inputWidth: 416, inputHeight: 416, fit: { enabled: true } } as Parameters<
      typeof detectLayout
    >[1];
    const regions = layoutRegions(detectLayout(camera, model, 1024, 576).tiles);
    expect(regions).toHaveLength(1);
    const [, y1, , y2] = regions[0]!.rect;
    expect(y1).toBeLessThan(0.7);
    expect(y2).toBeGreaterThan(0.7);
  });

  it('outlines each region with its model input size, and draws it on the picture', async () => {
    const marks = snapshotMarks({ boxes: [], lines: [], zones: [], regions: [REGION] });
    expect(marks.polygons).toEqual([
      {
        points: [
          [0, 0.55],
          [1, 0.55],
          [1, 0.85],
          [0, 0.85],
        ],
        label: 'detection 960x160',
        colour: REGION_COLOUR,
        dashed: true,
      },
    ]);
    const picture = await sharp({ create: { width: 400, height: 200, channels: 3, background: '#646464' } })
      .jpeg()
      .toBuffer();
    const drawn = await drawOverlay(picture, { boxes: [], lines: [], zones: [], regions: [REGION] });
    expect(drawn).not.toBe(picture);
    // The region's top edge (y = 0.55 of 200 px) away from its label: pink (dashed: within a dash and a gap);
    // inside it (not filled) and above it: grey.
    expect(await offNear(drawn, 300, 110, REGION_COLOUR, 10)).toBeLessThan(130);
    expect(await offNear(drawn, 300, 140, REGION_COLOUR)).toBeGreaterThan(200);
    expect(await offNear(drawn, 300, 60, REGION_COLOUR)).toBeGreaterThan(200);
  });
});
