import { readFileSync } from 'node:fs';
import type { InferenceSession } from 'onnxruntime-node';
import type { DetectorConfig } from '../config/schema.js';
import { headRows, MAX_STRIDE } from './decode-yolox.js';
import { type DynamicModel, withDynamicImageSize } from './dynamic-model.js';
import { type SessionInfo, WorkerSession } from './inference-worker.js';
import { type ModelIo, readModelIo } from './model-io.js';
import { checkExecutionProviders, explainProviderFailure } from './providers.js';

/** How the model takes frames: the square export size, or fitted to each camera's aspect ratio. */
export interface InputFit {
  /** True: a frame's input is only as tall as its picture needs (rounded up to a multiple of 32). */
  enabled: boolean;
  /** Why fitting is off although the config asked for it (the model needs its export size). */
  unavailable?: string;
}

/** A model running in its inference worker, with its checked input/output and input fit. */
export interface LoadedModel {
  session: WorkerSession;
  io: ModelIo;
  fit: InputFit;
  /** Opens one more session of the same model, set up the same way (its own worker thread). */
  another(): Promise<WorkerSession>;
}

type ModelConfig = Pick<
  DetectorConfig,
  'model' | 'family' | 'executionProviders' | 'intraOpThreads' | 'fitInput'
>;

/**
 * Opens the model in an inference worker for `classes` labels. With `fitInput`, the model is first
 * rewritten to take any image size and probed at a smaller height; if that fails, it is reopened as
 * exported and `fit.unavailable` says why.
 */
export async function loadModel(cfg: ModelConfig, classes: number): Promise<LoadedModel> {
  const providers = checkExecutionProviders(cfg.executionProviders);
  const boxValues = cfg.family === 'yolox' ? 5 : 4;
  /** A session on the model (or its size-agnostic copy), its input/output checked and buffers set up. */
  const open = async (dynamic?: DynamicModel) => {
    let session: WorkerSession;
    try {
      session = await WorkerSession.create(dynamic?.bytes ?? cfg.model, {
        executionProviders: providers,
        intraOpNumThreads: cfg.intraOpThreads,
        interOpNumThreads: 1,
        executionMode: 'sequential',
        graphOptimizationLevel: 'all',
        // Idle intra-op threads sleep instead of spinning: the cores are shared with the ffmpeg decoders.
        extra: { session: { intra_op: { allow_spinning: '0' } } },
      });
    } catch (err) {
      const e = explainProviderFailure(err, cfg.executionProviders);
      throw new Error(`detector model ${cfg.model}: ${e.message}`);
    }
    try {
      const info = dynamic ? exportedShapes(session.info, dynamic) : session.info;
      const io = readModelIo(info, cfg.family, classes, cfg.model);
      if (cfg.family === 'yolox') {
        const rows = headRows(io.inputWidth, io.inputHeight);
        if (rows !== io.rows) {
          throw new Error(
            `model ${cfg.model}: YOLOX output has ${io.rows} rows, strides 8/16/32 at ${io.inputWidth}x${io.inputHeight} give ${rows}`,
          );
        }
      }
      await session.configure(
        io.inputName,
        [1, 3, io.inputHeight, io.inputWidth],
        io.outputName,
        io.outputLength,
      );
      return { session, io };
    } catch (err) {
      await session.release();
      throw err;
    }
  };
  const fit: InputFit = { enabled: false };
  let dynamic: DynamicModel | undefined;
  if (cfg.fitInput) {
    try {
      dynamic = withDynamicImageSize(readFileSync(cfg.model));
    } catch (err) {
      // An unreadable file gets ONNX Runtime's own message below.
      fit.unavailable = `cannot rewrite the model's input size (${(err as Error).message})`;
    }
  }
  let { session, io } = await open(dynamic);
  if (dynamic) {
    const problem = await probeFittedInput(session, io, boxValues + classes);
    if (problem === undefined) {
      fit.enabled = true;
    } else {
      fit.unavailable = problem;
      await session.release();
      ({ session, io } = await open());
    }
  }
  const chosen = fit.enabled ? dynamic : undefined;
  return { session, io, fit, another: async () => (await open(chosen)).session };
}

/** Session info with the model's shapes as exported (the loaded copy has symbolic image dimensions). */
function exportedShapes(info: SessionInfo, dynamic: DynamicModel): SessionInfo {
  const withShape = (m: InferenceSession.ValueMetadata | undefined, shape: number[]) =>
    m?.isTensor ? { ...m, shape } : m;
  return {
    ...info,
    inputMetadata: [withShape(info.inputMetadata[0], dynamic.inputShape)!, ...info.inputMetadata.slice(1)],
    outputMetadata: [
      withShape(info.outputMetadata[0], dynamic.outputShape)!,
      ...info.outputMetadata.slice(1),
    ],
  };
}

/**
 * Whether a model with symbolic image dimensions really runs at a smaller height and gives the head's
 * rows for it (a graph with shapes baked into Reshape nodes fails here). Returns the problem, if any.
 */
async function probeFittedInput(
  session: WorkerSession,
  io: ModelIo,
  valuesPerRow: number,
): Promise<string | undefined> {
  const h = Math.max(MAX_STRIDE, Math.floor(io.inputHeight / 2 / MAX_STRIDE) * MAX_STRIDE);
  if (io.inputWidth % MAX_STRIDE !== 0 || io.inputHeight % MAX_STRIDE !== 0) {
    return `input ${io.inputWidth}x${io.inputHeight} is not a multiple of ${MAX_STRIDE}`;
  }
  if (headRows(io.inputWidth, io.inputHeight) * valuesPerRow !== io.outputLength) {
    return 'its output is not a stride 8/16/32 detection head';
  }
  session.input.fill(0);
  try {
    const out = await session.run([1, 3, h, io.inputWidth]);
    session.recycle(out);
    const expected = headRows(io.inputWidth, h) * valuesPerRow;
    if (out.length !== expected)
      return `at ${io.inputWidth}x${h} it gave ${out.length} values, not ${expected}`;
  } catch (err) {
    return `it does not run at ${io.inputWidth}x${h}: ${(err as Error).message}`;
  } finally {
    // The probe is not a detection: inference stats start at zero.
    session.stats.runs = 0;
    session.stats.totalMs = 0;
    session.stats.lastMs = 0;
  }
  return undefined;
}
