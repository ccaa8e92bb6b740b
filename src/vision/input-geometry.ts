import type { FrameGeometry, FrameTile } from '../camera/frame.js';
import { MAX_STRIDE } from './decode-yolox.js';
import type { InputFit } from './model-loader.js';
import type { PostProcessor } from './postprocess.js';

/** Input and output shapes of a run at one input size (no input shape: the configured one). */
export interface RunShapes {
  input?: readonly number[];
  output: readonly number[];
}

/**
 * The model's input sizes: its export size, the fitted input height of a picture, which frame geometries
 * it takes, and the shapes of a run at each size.
 */
export class InputGeometry {
  /** Run shapes per input size (w * 65536 + h), built on first use. */
  private readonly shapesBySize = new Map<number, RunShapes>();

  constructor(
    readonly width: number,
    readonly height: number,
    readonly fit: InputFit,
    private readonly model: string,
    private readonly post: PostProcessor,
  ) {}

  /**
   * Model input height for a picture `contentHeight` pixels tall in a slot `maxHeight` rows high (default:
   * the export height; the rest is padding): the slot, or with a fitted input the picture rounded up to a
   * multiple of 32.
   */
  heightFor(contentHeight: number, maxHeight = this.height): number {
    if (!this.fit.enabled) return maxHeight;
    const h = Math.ceil(contentHeight / MAX_STRIDE) * MAX_STRIDE;
    return h < MAX_STRIDE ? MAX_STRIDE : h > maxHeight ? maxHeight : h;
  }

  /** Fitted model input height of a tile. */
  tileHeight(tile: FrameTile): number {
    return this.heightFor(tile.contentHeight, tile.tileHeight);
  }

  /**
   * Checks a frame geometry against the model (a model that cannot take other input sizes needs its
   * export size everywhere); returns its largest inferred tile, which the inference buffers must hold.
   */
  largestTile(geometry: FrameGeometry): { width: number; height: number } | undefined {
    const tiles = geometry.tiles ?? [
      {
        width: geometry.width,
        tileHeight: geometry.height,
        contentHeight: geometry.contentHeight,
        infer: true,
      },
    ];
    let maxW = 0;
    let maxH = 0;
    for (const t of tiles) {
      if (!t.infer) continue;
      if (!this.fit.enabled && (t.width !== this.width || t.tileHeight !== this.height)) {
        throw new Error(
          `frame is ${t.width}x${t.tileHeight}${geometry.tiles ? ' per tile' : ''} but the model ${this.model} takes ${this.width}x${this.height}${this.fit.unavailable ? ` (other sizes: ${this.fit.unavailable})` : ''}`,
        );
      }
      if (t.width % MAX_STRIDE !== 0 || t.tileHeight % MAX_STRIDE !== 0) {
        throw new Error(`frame tile ${t.width}x${t.tileHeight} is not a multiple of ${MAX_STRIDE}`);
      }
      if (t.width * t.tileHeight > maxW * maxH) {
        maxW = t.width;
        maxH = t.tileHeight;
      }
    }
    return maxW > 0 ? { width: maxW, height: maxH } : undefined;
  }

  /** The shapes of a run at `w` x `h`. */
  shapes(w: number, h: number): RunShapes {
    // Sizes are multiples of 32: one pair of shapes per size, reused.
    const key = w * 65536 + h;
    let shapes = this.shapesBySize.get(key);
    if (!shapes) {
      shapes = {
        input: h !== this.height || w !== this.width ? [1, 3, h, w] : undefined,
        output: this.post.outputDims(w, h),
      };
      this.shapesBySize.set(key, shapes);
    }
    return shapes;
  }
}
