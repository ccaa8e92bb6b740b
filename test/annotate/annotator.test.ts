import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import {
  ALERT_COLOUR,
  annotate,
  arrow,
  CLASS_COLOURS,
  classColour,
  escapeXml,
  LINE_COLOUR,
  OTHER_COLOUR,
  overlaySvg,
  ZONE_COLOUR,
} from '../../src/annotate/annotator.js';

const W = 1200;
const PALETTE: Record<string, string> = {
  ...CLASS_COLOURS,
  alert: ALERT_COLOUR,
  zone: ZONE_COLOUR,
  line: LINE_COLOUR,
  other: OTHER_COLOUR,
};
const H = 900;

/** A mid-grey RGB picture. */
function grey(): { rgb: Buffer; width: number; height: number } {
  return { rgb: Buffer.alloc(W * H * 3, 100), width: W, height: H };
}

async function pixels(jpeg: Buffer) {
  const { data, info } = await sharp(jpeg).raw().toBuffer({ resolveWithObject: true });
  const at = (x: number, y: number) => {
    const i = (Math.round(y) * info.width + Math.round(x)) * info.channels;
    return [data[i]!, data[i + 1]!, data[i + 2]!] as const;
  };
  /**
   * Which colour of the palette is drawn within 2 px of (x, y): the palette entry closest to any pixel
   * there (strokes a few px wide blur in JPEG, so exact colours are not to be expected).
   */
  const drawn = (x: number, y: number) => {
    let best = Number.POSITIVE_INFINITY;
    let name = '';
    for (let dy = -2; dy <= 2; dy++) {
      for (let dx = -2; dx <= 2; dx++) {
        const p = at(x + dx, y + dy);
        for (const [n, hex] of Object.entries(PALETTE)) {
          const d = off(p, hex);
          if (d < best) [best, name] = [d, n];
        }
      }
    }
    return name;
  };
  return { info, at, drawn };
}

/** Colour distance (sum of channel differences) from a #rrggbb colour. */
function off(rgb: readonly [number, number, number], hex: string): number {
  const v = Number.parseInt(hex.slice(1), 16);
  return Math.abs(rgb[0] - (v >> 16)) + Math.abs(rgb[1] - ((v >> 8) & 255)) + Math.abs(rgb[2] - (v & 255));
}

describe('annotator', () => {
  it('escapes every XML special character once', () => {
    expect(escapeXml(`<a href="x">'&'</a>`)).toBe('&#60;a href=&#34;x&#34;&#62;&#39;&#38;&#39;&#60;/a&#62;');
    const svg = overlaySvg({ caption: 'cam <1> & "2"', boxes: [] }, 100, 50);
    expect(svg).toContain('cam &#60;1&#62; &#38; &#34;2&#34;');
    expect(svg).not.toContain('<1>');
  });

  it('names each side of a line where a crossing that way ends up (right of a→b first, y down)', () => {
    const svg = overlaySvg(
      { lines: [{ a: [0, 0.5], b: [1, 0.5], label: 'main', sides: ['down', 'up'] }] },
      400,
      200,
    );
    expect(svg).toContain('↓ down');
    expect(svg).toContain('↑ up');
    // a→b runs left to right: its right-hand side is below the line (larger y).
    const texts = new Map(
      [...svg.matchAll(/<text x="[\d.]+" y="([\d.]+)"[^>]*>([^<]*)<\/text>/g)].map((m) => [
        m[2],
        Number(m[1]),
      ]),
    );
    expect(texts.get('↓ down')).toBeGreaterThan(100);
    expect(texts.get('↑ up')).toBeLessThan(100);
    // A vertical line: each name ends (or starts) beside it, on its own side, not across it.
    const steep = overlaySvg(
      { lines: [{ a: [0.5, 0], b: [0.5, 1], sides: ['leftward', 'rightward'] }] },
      400,
      200,
    );
    const side = (name: string) => {
      const el =
        [...steep.matchAll(/<text [^>]*>[^<]*<\/text>/g)].find((m) => m[0].includes(` ${name}<`))?.[0] ?? '';
      return {
        x: Number(el.match(/ x="([\d.]+)"/)?.[1]),
        anchor: el.match(/text-anchor="(\w+)"/)?.[1] ?? 'start',
      };
    };
    expect(side('leftward')).toMatchObject({ anchor: 'end' });
    expect(side('leftward').x).toBeLessThan(200);
    expect(side('rightward')).toMatchObject({ anchor: 'start' });
    expect(side('rightward').x).toBeGreaterThan(200);
    expect(arrow(1, 0)).toBe('→');
    expect(arrow(-1, -1)).toBe('↖');
  });

  it('gives each traffic class its own colour, none of them the alert red', () => {
    const colours = Object.values(CLASS_COLOURS);
    expect(new Set(colours).size).toBe(colours.length);
    expect(colours).not.toContain(ALERT_COLOUR);
    expect(classColour('bus')).toBe(CLASS_COLOURS.bus);
    expect(classColour('train')).toBe(OTHER_COLOUR);
    expect(classColour(undefined)).toBe(OTHER_COLOUR);
  });

  it('draws lines, polygons, class boxes, an alert box with its trail and a caption onto a JPEG', async () => {
    const jpeg = await annotate(grey(), {
      polygons: [
        {
          label: 'zone <a>',
          points: [
            [0.05, 0.6],
            [0.45, 0.6],
            [0.45, 0.95],
            [0.05, 0.95],
          ],
        },
      ],
      lines: [{ a: [0, 0.5], b: [1, 0.5], label: 'main' }],
      boxes: [
        { x1: 0.55, y1: 0.6, x2: 0.75, y2: 0.9, cls: 'car', label: 'car 90%' },
        {
          x1: 0.8,
          y1: 0.6,
          x2: 0.95,
          y2: 0.9,
          cls: 'person',
          label: 'person #3',
          alert: true,
          trail: [
            [0.6, 0.2],
            [0.7, 0.3],
            [0.87, 0.75],
          ],
        },
      ],
      caption: 'stopped_vehicle | cam-1',
    });
    expect(jpeg.subarray(0, 2)).toEqual(Buffer.from([0xff, 0xd8]));
    const { info, at, drawn } = await pixels(jpeg);
    expect([info.width, info.height]).toEqual([W, H]);
    // The line across the middle, white; the picture elsewhere on that row's neighbourhood stays grey.
    expect(drawn(W * 0.25, H * 0.5)).toBe('line');
    expect(off(at(W * 0.25, H * 0.4), '#646464')).toBeLessThan(30);
    // Zone: its outline in the zone colour, its inside tinted towards it.
    expect(drawn(W * 0.25, H * 0.95)).toBe('zone');
    const inside = at(W * 0.25, H * 0.8);
    expect(inside[0]).toBeGreaterThan(inside[2] + 15);
    // The car box edge in the car colour, the incident's box edge in red.
    expect(drawn(W * 0.55, H * 0.75)).toBe('car');
    expect(drawn(W * 0.95, H * 0.75)).toBe('alert');
    // Its trail, dashed, in the same red.
    expect(drawn(W * 0.65, H * 0.25)).toBe('alert');
    // The caption band darkens the top of the picture.
    const band = at(W * 0.9, 4);
    expect(band[0]).toBeLessThan(60);
  });

  it('scales a picture to the width asked for, the overlay with it', async () => {
    const src = await sharp(grey().rgb, { raw: { width: W, height: H, channels: 3 } })
      .png()
      .toBuffer();
    const jpeg = await annotate(src, { lines: [{ a: [0, 0.5], b: [1, 0.5] }] }, { width: 600 });
    const { info, drawn } = await pixels(jpeg);
    expect([info.width, info.height]).toEqual([600, 450]);
    expect(drawn(300, 225)).toBe('line');
  });
});
