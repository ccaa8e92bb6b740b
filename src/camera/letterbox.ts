import type { FrameGeometry } from './frame.js';

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
