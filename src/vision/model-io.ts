import type { InferenceSession } from 'onnxruntime-node';
import type { SessionInfo } from './inference-worker.js';

/** Static shape of a model's only image input and detection output, checked against the family. */
export interface ModelIo {
  inputName: string;
  outputName: string;
  inputWidth: number;
  inputHeight: number;
  /** YOLOX: grid rows; YOLOv8: anchors. */
  rows: number;
  /** Values in the output tensor. */
  outputLength: number;
}

function staticShape(
  meta: InferenceSession.ValueMetadata | undefined,
  what: string,
  model: string,
): number[] {
  if (!meta?.isTensor) throw new Error(`model ${model}: ${what} is missing or not a tensor`);
  const shape = meta.shape.map((d) => (typeof d === 'number' && d > 0 ? d : Number.NaN));
  if (shape.some(Number.isNaN)) {
    throw new Error(
      `model ${model}: ${what} "${meta.name}" has a dynamic shape [${meta.shape.join(', ')}]; export it with a fixed size`,
    );
  }
  return shape;
}

export function readModelIo(
  session: SessionInfo,
  family: 'yolox' | 'yolov8',
  numClasses: number,
  model: string,
): ModelIo {
  const input = staticShape(session.inputMetadata[0], 'input', model);
  const output = staticShape(session.outputMetadata[0], 'output', model);
  if (input.length !== 4 || input[0] !== 1 || input[1] !== 3) {
    throw new Error(`model ${model}: input shape [${input.join(', ')}] is not [1, 3, H, W]`);
  }
  const io = {
    inputName: session.inputNames[0]!,
    outputName: session.outputNames[0]!,
    inputHeight: input[2]!,
    inputWidth: input[3]!,
    rows: 0,
    outputLength: output.reduce((a, b) => a * b, 1),
  };
  if (output.length !== 3 || output[0] !== 1) {
    throw new Error(`model ${model}: output shape [${output.join(', ')}] is not [1, a, b]`);
  }
  if (family === 'yolox') {
    if (output[2] !== 5 + numClasses) {
      throw new Error(
        `model ${model}: YOLOX output [${output.join(', ')}] needs 5 + ${numClasses} values per row for ${numClasses} labels (wrong family or labels file?)`,
      );
    }
    io.rows = output[1]!;
  } else {
    if (output[1] !== 4 + numClasses) {
      throw new Error(
        `model ${model}: YOLOv8 output [${output.join(', ')}] needs 4 + ${numClasses} channels for ${numClasses} labels (wrong family or labels file?)`,
      );
    }
    io.rows = output[2]!;
  }
  return io;
}
