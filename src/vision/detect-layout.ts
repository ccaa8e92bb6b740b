import { type TileSpec, uniformTiles } from '../camera/letterbox.js';

export { sameLayout } from '../camera/letterbox.js';

import type { CameraConfig } from '../config/schema.js';
import { type DetectPlan, planDetection, START_REGION_WIDTH } from './detect-plan.js';
import type { InputFit } from './model-loader.js';

/** What the layout needs to know of the detector. */
export interface LayoutModel {
  inputWidth: number;
  inputHeight: number;
  fit: InputFit;
}

/** The tiles a camera's frames hold, why, and the automatic plan when there is one. */
export interface DetectLayout {
  tiles: TileSpec[];
  plan?: DetectPlan;
  explain: string[];
}

type LayoutCamera = Pick<CameraConfig, 'lines' | 'zones' | 'detect'>;

/**
 * The automatic detection plan (detect-plan.ts) for a camera's lines, zones and detect settings, the whole
 * picture at `baseWidth`; planned for the camera's picture, and before it is known (0 x 0) for a 16:9 one
 * (the camera re-plans on its first frame when that differs).
 */
export function cameraPlan(camera: LayoutCamera, baseWidth: number, srcWidth = 0, srcHeight = 0): DetectPlan {
  const known = srcWidth > 0 && srcHeight > 0;
  return planDetection({
    srcWidth: known ? srcWidth : 1920,
    srcHeight: known ? srcHeight : 1080,
    lines: camera.lines,
    zones: camera.zones,
    baseWidth,
    regionWidth: camera.detect.regionWidth ?? START_REGION_WIDTH,
    budget: camera.detect.budget,
  });
}

/**
 * A camera's frame layout for a picture of `srcWidth` x `srcHeight` (0 x 0 when not known yet: the
 * whole-picture slot is then square, so any picture fits): `detect.tiles` when set by hand (each at the
 * model's export size), else the automatic regions of planDetection, tile 0 being the whole picture.
 */
export function detectLayout(
  camera: LayoutCamera,
  model: LayoutModel,
  srcWidth: number,
  srcHeight: number,
): DetectLayout {
  const { inputWidth, inputHeight } = model;
  if (camera.detect.tiles) {
    return {
      tiles: uniformTiles(inputWidth, inputHeight, camera.detect.tiles),
      explain: [
        `detect.tiles set by hand: ${camera.detect.tiles.length} tile(s) at ${inputWidth}x${inputHeight}`,
      ],
    };
  }
  const whole = (why: string): DetectLayout => ({
    tiles: uniformTiles(inputWidth, inputHeight, undefined),
    explain: [why],
  });
  if (!model.fit.enabled) {
    return whole(
      `the whole picture: detection regions need a model that takes other input sizes (${model.fit.unavailable ?? 'detector.fitInput is off'})`,
    );
  }
  const plan = cameraPlan(camera, inputWidth, srcWidth, srcHeight);
  const known = srcWidth > 0 && srcHeight > 0;
  // The whole picture alone is square only while the picture is not known; then it gets the plan's size
  // like tile 0 below (a portrait picture in a square slot gets half the model pixels the plan gave it).
  if (plan.regions.length === 0 && !known) return { ...whole(plan.explain.join('; ')), plan };
  const tiles: TileSpec[] = [
    {
      rect: [0, 0, 1, 1],
      width: inputWidth,
      height: known ? plan.whole.inputHeight : inputHeight,
      infer: plan.whole.inferred,
    },
    ...plan.regions.map((r) => ({
      rect: r.rect,
      width: r.inputWidth,
      height: r.inputHeight,
      infer: true,
      gated: true,
    })),
  ];
  return { tiles, plan, explain: plan.explain };
}
