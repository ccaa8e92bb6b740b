import type { FrameGeometry, FrameTile } from '../../src/camera/frame.js';

/** The whole camera picture at `scale` model px per camera px, one tile (no regions). */
export const wholeGeometry = (srcWidth: number, srcHeight: number, scale: number): FrameGeometry => ({
  srcWidth,
  srcHeight,
  width: Math.round(srcWidth * scale),
  height: Math.round(srcHeight * scale),
  scale,
  contentWidth: Math.round(srcWidth * scale),
  contentHeight: Math.round(srcHeight * scale),
});

/** A detection tile: a crop (camera px) at `scale`, an automatic region (gated) unless said otherwise. */
export function geometryTile(
  cropX: number,
  cropY: number,
  cropWidth: number,
  cropHeight: number,
  scale: number,
  infer = true,
): FrameTile {
  return {
    cropX,
    cropY,
    cropWidth,
    cropHeight,
    width: Math.round(cropWidth * scale),
    tileHeight: Math.round(cropHeight * scale),
    byteOffset: 0,
    scale,
    contentWidth: Math.round(cropWidth * scale),
    contentHeight: Math.round(cropHeight * scale),
    infer,
    gated: true,
  };
}
