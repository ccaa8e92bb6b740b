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
 * One detection tile of a frame layout: a crop of the camera image (the whole image for [0, 0, 1, 1]),
 * letterboxed into `width` x `height` (the model input it is inferred at; its fitted height may be less).
 * `infer` false: the tile is in the frame for its pixels (snapshots, evidence, tamper checks) only.
 * `gated`: an automatic detection region, inferred only while the camera's region gate wants it.
 */
export interface TileSpec {
  rect: TileRect;
  width: number;
  height: number;
  infer: boolean;
  gated?: boolean;
}

/**
 * Where a frame layout has detection look closer than the whole picture: every tile after the first while
 * the first is the whole picture (the automatic plan; snapshots are that tile). Hand tiles that start with
 * a crop give none: a snapshot is a crop then.
 */
export function layoutRegions(layout: readonly TileSpec[]): TileSpec[] {
  const [x1, y1, x2, y2] = layout[0]?.rect ?? [0, 0, 0, 0];
  return x1 === 0 && y1 === 0 && x2 === 1 && y2 === 1 ? layout.slice(1) : [];
}

/** Config tiles: each letterboxed into the same `width` x `height`, all inferred. */
export function uniformTiles(
  width: number,
  height: number,
  tiles: readonly TileRect[] | undefined,
): TileSpec[] {
  const rects = tiles && tiles.length > 0 ? tiles : [[0, 0, 1, 1] as TileRect];
  return rects.map((rect) => ({ rect, width, height, infer: true }));
}

/** Frame size of a layout: as wide as its widest tile, the tiles stacked top to bottom. */
export function layoutSize(specs: readonly TileSpec[]): { width: number; height: number } {
  let width = 0;
  let height = 0;
  for (const t of specs) {
    width = Math.max(width, t.width);
    height += t.height;
  }
  return { width, height };
}

/** True for the plain frame: one inferred whole-image tile. */
function isPlain(specs: readonly TileSpec[]): boolean {
  return specs.length === 1 && specs[0]!.infer && isWholeImage([specs[0]!.rect]);
}

/**
 * Geometry of a frame of N tiles, each letterboxed into its own `width` x `height` at the left of its rows
 * (a narrower tile is padded to the frame width), stacked vertically. A plain layout (one inferred
 * whole-image tile) gives exactly `letterboxGeometry` (no `tiles` field: the cheap path). The fields
 * outside `tiles` describe tile 0.
 */
export function layoutGeometry(
  srcWidth: number,
  srcHeight: number,
  specs: readonly TileSpec[],
): FrameGeometry {
  if (specs.length === 0) throw new Error('frame layout: no tiles');
  if (isPlain(specs)) return letterboxGeometry(srcWidth, srcHeight, specs[0]!.width, specs[0]!.height);
  const size = layoutSize(specs);
  let row = 0;
  const list: FrameTile[] = specs.map((spec) => {
    const crop = tileCrop(srcWidth, srcHeight, spec.rect);
    const g = letterboxGeometry(crop.width, crop.height, spec.width, spec.height);
    const tile: FrameTile = {
      cropX: crop.x,
      cropY: crop.y,
      cropWidth: crop.width,
      cropHeight: crop.height,
      width: spec.width,
      tileHeight: spec.height,
      byteOffset: row * size.width * 3,
      scale: g.scale,
      contentWidth: g.contentWidth,
      contentHeight: g.contentHeight,
      infer: spec.infer,
      gated: spec.gated === true,
    };
    row += spec.height;
    return tile;
  });
  const t0 = list[0]!;
  return {
    srcWidth,
    srcHeight,
    width: size.width,
    height: size.height,
    scale: t0.scale,
    contentWidth: t0.contentWidth,
    contentHeight: t0.contentHeight,
    tiles: list,
    fullView: t0.cropX === 0 && t0.cropY === 0 && t0.cropWidth === srcWidth && t0.cropHeight === srcHeight,
  };
}

/** `layoutGeometry` of config tiles (all `width` x `height`). */
export function tiledGeometry(
  srcWidth: number,
  srcHeight: number,
  width: number,
  height: number,
  tiles: readonly TileRect[] | undefined,
): FrameGeometry {
  return layoutGeometry(srcWidth, srcHeight, uniformTiles(width, height, tiles));
}

/**
 * The filter graph for a layout: split → per tile crop, scale keeping aspect, pad grey (to its size, then
 * to the frame width) → vstack, so one rawvideo frame holds the tiles one after another. A plain layout:
 * `letterboxFilters`.
 */
export function layoutFilters(specs: readonly TileSpec[], fps?: number): string[] {
  if (isPlain(specs)) return letterboxFilters(specs[0]!.width, specs[0]!.height, fps);
  const frameWidth = layoutSize(specs).width;
  const grey = LETTERBOX_GREY.toString(16).padStart(2, '0');
  const n = specs.length;
  const head = fps !== undefined ? `fps=${fps},` : '';
  const chain = (t: TileSpec) => {
    const parts: string[] = [];
    if (!isWholeImage([t.rect])) parts.push(cropFilter(t.rect));
    parts.push(...letterboxFilters(t.width, t.height));
    if (t.width < frameWidth) parts.push(`pad=${frameWidth}:${t.height}:0:0:color=0x${grey}${grey}${grey}`);
    return parts.join(',');
  };
  if (n === 1) return [`${head}${chain(specs[0]!)}`];
  const labels = specs.map((_, i) => `[t${i}]`).join('');
  const chains = specs.map((t, i) => `[t${i}]${chain(t)}[p${i}]`);
  const stacked = specs.map((_, i) => `[p${i}]`).join('');
  return [`${head}split=${n}${labels};${chains.join(';')};${stacked}vstack=inputs=${n}`];
}

/** `layoutFilters` of config tiles (all `width` x `height`). */
export function tiledFilters(
  width: number,
  height: number,
  tiles: readonly TileRect[] | undefined,
  fps?: number,
): string[] {
  return layoutFilters(uniformTiles(width, height, tiles), fps);
}

/** Whether two layouts put the same tiles in a frame. */
export function sameLayout(a: readonly TileSpec[], b: readonly TileSpec[]): boolean {
  return (
    a.length === b.length &&
    a.every(
      (t, i) =>
        t.width === b[i]!.width &&
        t.height === b[i]!.height &&
        t.infer === b[i]!.infer &&
        (t.gated === true) === (b[i]!.gated === true) &&
        t.rect.every((v, k) => v === b[i]!.rect[k]),
    )
  );
}
