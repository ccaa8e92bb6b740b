/**
 * Rewrites an ONNX model so its image input takes any height and width: the input's H and W and every
 * output dimension after the batch become named (symbolic) dimensions, and the graph's intermediate
 * shape annotations (`value_info`, which record the export size) are dropped. Nothing else changes —
 * weights, nodes and attributes are copied byte for byte.
 *
 * Fully convolutional detectors (YOLOX, YOLOv8) compute nothing from the export size, so the same weights
 * run on a 416x256 letterbox of a 16:9 camera instead of 416x416: ~40 % less work, same boxes. Whether a
 * given graph really is size-agnostic is checked by running it (see model-loader.ts), not assumed here.
 *
 * Only the few protobuf fields on the path ModelProto.graph → GraphProto.input/output → ValueInfoProto.type
 * → TypeProto.tensor_type → shape → dim are decoded; every other field is copied as raw bytes.
 */

/** Field numbers from onnx.proto3. */
const MODEL_GRAPH = 7;
const GRAPH_INPUT = 11;
const GRAPH_OUTPUT = 12;
const GRAPH_VALUE_INFO = 13;
const VALUE_INFO_TYPE = 2;
const TYPE_TENSOR = 1;
const TENSOR_SHAPE = 2;
const SHAPE_DIM = 1;
const DIM_VALUE = 1;
const DIM_PARAM = 2;

interface Field {
  num: number;
  /** The whole field, tag included. */
  raw: Uint8Array;
  /** Length-delimited payload (wire type 2), or the varint's value (wire type 0). */
  body: Uint8Array;
  value: number;
}

function readVarint(b: Uint8Array, pos: number): [number, number] {
  let value = 0;
  let mul = 1;
  for (let i = 0; i < 10; i++) {
    if (pos >= b.length) throw new Error('truncated varint');
    const byte = b[pos++]!;
    value += (byte & 127) * mul;
    if ((byte & 128) === 0) return [value, pos];
    mul *= 128;
  }
  throw new Error('varint longer than 10 bytes');
}

function* fields(b: Uint8Array): Generator<Field> {
  let pos = 0;
  while (pos < b.length) {
    const start = pos;
    const [tag, afterTag] = readVarint(b, pos);
    pos = afterTag;
    const wire = tag & 7;
    let body = b.subarray(pos, pos);
    let value = 0;
    if (wire === 0) {
      [value, pos] = readVarint(b, pos);
    } else if (wire === 2) {
      const [len, p] = readVarint(b, pos);
      if (p + len > b.length) throw new Error('truncated field');
      body = b.subarray(p, p + len);
      pos = p + len;
    } else if (wire === 1) {
      pos += 8;
    } else if (wire === 5) {
      pos += 4;
    } else {
      throw new Error(`unsupported wire type ${wire}`);
    }
    if (pos > b.length) throw new Error('truncated field');
    yield { num: Math.floor(tag / 8), raw: b.subarray(start, pos), body, value };
  }
}

function varint(n: number): Buffer {
  const out: number[] = [];
  while (n > 127) {
    out.push((n % 128) | 128);
    n = Math.floor(n / 128);
  }
  out.push(n);
  return Buffer.from(out);
}

function lengthDelimited(num: number, body: Uint8Array): Buffer {
  return Buffer.concat([varint(num * 8 + 2), varint(body.length), body]);
}

/** Rebuilds a message, replacing length-delimited fields by `edit` (undefined result drops the field). */
function rewrite(b: Uint8Array, edit: (f: Field) => Uint8Array | undefined | null): Buffer {
  const parts: Uint8Array[] = [];
  for (const f of fields(b)) {
    const r = edit(f);
    if (r === null) parts.push(f.raw);
    else if (r !== undefined) parts.push(lengthDelimited(f.num, r));
  }
  return Buffer.concat(parts);
}

/** A static shape (dim_value per axis; NaN for an axis that is already symbolic). */
export type StaticShape = number[];

/**
 * Replaces the dims of one value's shape: axes for which `symbolic(axis)` returns a name become that name.
 * Records the original dims into `shape`.
 */
function rewriteValueInfo(
  vi: Uint8Array,
  symbolic: (axis: number) => string | undefined,
  shape: StaticShape,
) {
  return rewrite(vi, (f) => {
    if (f.num !== VALUE_INFO_TYPE) return null;
    return rewrite(f.body, (t) => {
      if (t.num !== TYPE_TENSOR) return null;
      return rewrite(t.body, (s) => {
        if (s.num !== TENSOR_SHAPE) return null;
        let axis = 0;
        return rewrite(s.body, (d) => {
          if (d.num !== SHAPE_DIM) return null;
          let dim = Number.NaN;
          for (const x of fields(d.body)) if (x.num === DIM_VALUE) dim = x.value;
          shape.push(dim);
          const name = symbolic(axis++);
          return name === undefined ? null : lengthDelimited(DIM_PARAM, Buffer.from(name));
        });
      });
    });
  });
}

export interface DynamicModel {
  bytes: Buffer;
  /** The first input's and first output's shapes as exported (what the rewrite made symbolic). */
  inputShape: StaticShape;
  outputShape: StaticShape;
}

/**
 * The model with a size-agnostic first input (axes 2 and 3 → `height`, `width`) and first output (every
 * axis after the batch → `out1`, `out2`...). Throws on bytes that are not an ONNX model.
 */
export function withDynamicImageSize(model: Uint8Array): DynamicModel {
  const inputShape: StaticShape = [];
  const outputShape: StaticShape = [];
  let sawGraph = false;
  let inputs = 0;
  let outputs = 0;
  const bytes = rewrite(model, (f) => {
    if (f.num !== MODEL_GRAPH) return null;
    sawGraph = true;
    return rewrite(f.body, (g) => {
      if (g.num === GRAPH_VALUE_INFO) return undefined;
      if (g.num === GRAPH_INPUT && inputs++ === 0) {
        return rewriteValueInfo(
          g.body,
          (axis) => (axis === 2 ? 'height' : axis === 3 ? 'width' : undefined),
          inputShape,
        );
      }
      if (g.num === GRAPH_OUTPUT && outputs++ === 0) {
        return rewriteValueInfo(g.body, (axis) => (axis > 0 ? `out${axis}` : undefined), outputShape);
      }
      return null;
    });
  });
  if (!sawGraph || inputs === 0 || outputs === 0 || inputShape.length !== 4) {
    throw new Error('not an ONNX model with a 4-D image input and an output');
  }
  return { bytes, inputShape, outputShape };
}
