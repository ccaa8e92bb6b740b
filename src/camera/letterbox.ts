import type { FrameGeometry, FrameTile } from './frame.js';

/** Letterbox pad colour of the YOLOX input contract (grey 114 on all three channels). */
export const LETTERBOX_GREY = 114;

/**
 * The geometry ffmpeg produces for `scale=W:H:force_original_aspect_ratio=decrease,pad=W:H:0:0`:
 * same rounding as libavfilter's scale_eval (av_rescale rounds to nearest), so the numbers here match
 * the pixels in the frame exactly.
 */
export function letterboxGeometry(
  srcWidth: number,
  srcHeight: number,
  width: number,
  height: number,
): FrameGeometry {
  if (!(srcWidth > 0 && srcHeight > 0)) {
    throw new Error(`letterbox: bad source size ${srcWidth}x${srcHeight}`);
  }
  const fitW = Math.round((height * srcWidth) / srcHeight);
  const fitH = Math.round((width * srcHeight) / srcWidth);
  const contentWidth = Math.min(fitW, width);
  const contentHeight = Math.min(fitH, height);
  return {
    srcWidth,
    srcHeight,
    width,
    height,
    scale: contentWidth / srcWidth,
    contentWidth,
    contentHeight,
  };
}

/** The ffmpeg filter chain that makes a letterboxed detector frame; `fps` undefined keeps every frame. */
export function letterboxFilters(width: number, height: number, fps?: number): string[] {
  const grey = LETTERBOX_GREY.toString(16).padStart(2, '0');
  const filters: string[] = [];
  if (fps !== undefined) filters.push(`fps=${fps}`);
  filters.push(
    `scale=${width}:${height}:force_original_aspect_ratio=decrease:flags=bilinear`,
    `pad=${width}:${height}:0:0:color=0x${grey}${grey}${grey}`,
  );
  return filters;
}

/** A detection tile [x1, y1, x2, y2] in fractions of the camera image. */
export type TileRect = readonly [number, number, number, number];

/** True for the default single tile (the whole image): the plain letterbox path. */
export function isWholeImage(tiles: readonly TileRect[] | undefined): boolean {
  if (!tiles || tiles.length === 0) return true;
  if (tiles.length > 1) return false;
  const [x1, y1, x2, y2] = tiles[0]!;
  return x1 === 0 && y1 === 0 && x2 === 1 && y2 === 1;
}

/**
 * ffmpeg crop expression terms for one rectangle: even pixel numbers (4:2:0 chroma), `2*trunc(iw*f/2)`,
 * evaluated in doubles by ffmpeg exactly as `evenPx` does here, so geometry and pixels agree.
 */
function evenPx(size: number, f: number): number {
  return 2 * Math.trunc((size * f) / 2);
}

/**
 * Crop of a tile in camera pixels. Inside the image by construction: trunc(W*x/2)*2 + trunc(W*w/2)*2 never
 * exceeds W*(x + w) <= W.
 */
export function tileCrop(srcWidth: number, srcHeight: number, rect: TileRect) {
  return {
    x: evenPx(srcWidth, rect[0]),
    y: evenPx(srcHeight, rect[1]),
    width: evenPx(srcWidth, rect[2] - rect[0]),
    height: evenPx(srcHeight, rect[3] - rect[1]),
  };
}

function cropFilter(rect: TileRect): string {
  const e = (dim: 'iw' | 'ih', f: number) => `2*trunc(${dim}*${f}/2)`;
  return `crop=w=${e('iw', rect[2] - rect[0])}:h=${e('ih', rect[3] - rect[1])}:x=${e('iw', rect[0])}:y=${e('ih', rect[1])}:exact=1`;
}

/**
 * Geometry of a frame of N tiles, each `width` x `height`, stacked vertically. One whole-image tile gives
 * exactly `letterboxGeometry` (no `tiles` field: the cheap path).
 */
export function tiledGeometry(
  srcWidth: number,
  srcHeight: number,
  width: number,
  height: number,
  tiles: readonly TileRect[] | undefined,
): FrameGeometry {
  if (isWholeImage(tiles)) return letterboxGeometry(srcWidth, srcHeight, width, height);
  const list: FrameTile[] = tiles!.map((rect, i) => {
    const crop = tileCrop(srcWidth, srcHeight, rect);
    const g = letterboxGeometry(crop.width, crop.height, width, height);
    return {
      cropX: crop.x,
      cropY: crop.y,
      cropWidth: crop.width,
      cropHeight: crop.height,
      tileHeight: height,
      byteOffset: i * width * height * 3,
      scale: g.scale,
      contentWidth: g.contentWidth,
      contentHeight: g.contentHeight,
    };
  });
  const t0 = list[0]!;
  return {
    srcWidth,
    srcHeight,
    width,
    height: height * list.length,
    scale: t0.scale,
    contentWidth: t0.contentWidth,
    contentHeight: t0.contentHeight,
    tiles: list,
    fullView: t0.cropX === 0 && t0.cropY === 0 && t0.cropWidth === srcWidth && t0.cropHeight === srcHeight,
  };
}

/**
 * The filter graph for tiled frames: split → per tile crop, scale keeping aspect, pad grey → vstack, so
 * one rawvideo frame holds the tiles one after another. One whole-image tile: `letterboxFilters`.
 */
export function tiledFilters(
  width: number,
  height: number,
  tiles: readonly TileRect[] | undefined,
  fps?: number,
): string[] {
  if (isWholeImage(tiles)) return letterboxFilters(width, height, fps);
  const n = tiles!.length;
  const head = fps !== undefined ? `fps=${fps},` : '';
  const labels = tiles!.map((_, i) => `[t${i}]`).join('');
  const chains = tiles!.map(
    (rect, i) => `[t${i}]${cropFilter(rect)},${letterboxFilters(width, height).join(',')}[p${i}]`,
  );
  const stacked = tiles!.map((_, i) => `[p${i}]`).join('');
  return [`${head}split=${n}${labels};${chains.join(';')};${stacked}vstack=inputs=${n}`];
}
