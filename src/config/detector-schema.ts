import { z } from 'zod';
import { boundedList, fraction, trafficClass } from './primitives.js';

export const detectorSchema = z.strictObject({
  family: z.enum(['yolox', 'yolov8']).default('yolox'),
  /** Model file, relative to models.dir unless absolute. */
  model: z.string().min(1).default('yolox_nano.onnx'),
  /** JSON array of class names in model order, relative to models.dir unless absolute. */
  labels: z.string().min(1).default('coco-labels.json'),
  executionProviders: boundedList(
    z.enum(['cpu', 'cuda', 'openvino', 'tensorrt', 'dml', 'coreml']),
    6,
    'providers',
  )
    .min(1)
    .default(['cpu']),
  /**
   * ONNX Runtime threads per inference. 1 on a 2-core box: the other core decodes video (ffmpeg) and runs
   * the pipeline; 2 threads fight the decoders and measured slower end to end (bench:detect).
   */
  intraOpThreads: z.number().int().min(1).max(64).default(1),
  /**
   * Feed each camera's picture at its own aspect ratio (e.g. 416x256 for 16:9 instead of the exported
   * 416x416; ~40 % less inference) when the model's graph allows other input sizes (checked at start;
   * otherwise the export size is used and the log says why).
   */
  fitInput: z.boolean().default(true),
  /**
   * Boxes below this score are dropped. Low on purpose: the tracker associates low-score boxes to
   * existing tracks (ByteTrack's second stage) and starts tracks only from confident ones.
   */
  scoreThreshold: fraction.default(0.1),
  classThresholds: z.partialRecord(trafficClass, fraction).default({}),
  nmsIou: fraction.default(0.45),
  /** Boxes smaller or larger than these fractions of the frame area are dropped. */
  minBoxArea: fraction.default(0),
  maxBoxArea: fraction.default(0.5),
});
