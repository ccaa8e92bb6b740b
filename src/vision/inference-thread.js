// @ts-check
/**
 * The inference worker thread (started by WorkerSession in inference-worker.ts). It owns the ONNX Runtime
 * session. Plain JavaScript type-checked through JSDoc, so the same file runs under tsx, under vitest
 * (a worker thread gets no TypeScript transform there) and from the compiled dist/ on plain Node.
 *
 * Each run's input buffer arrives by transfer and goes back with the reply, even when the run fails (no
 * copy; ONNX Runtime does not accept SharedArrayBuffer tensors). The output buffer that comes with the run
 * (recycled by the main thread) is bound as the run's output when its shape is known, so ONNX Runtime writes
 * straight into it; otherwise ONNX Runtime allocates a fresh output, copied into that buffer. Either way the
 * main thread, with the bigger heap, never sees a new megabyte-sized allocation per frame (those made it run
 * a full garbage collection every ~20 frames), and with the bound output this thread does not either (dead
 * outputs piled up to tens of MB of external memory before its collector ran). Messages are handled
 * strictly one after another: the main thread queues the next run while one is inferred (double buffering).
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { parentPort } from 'node:worker_threads';
import ort from 'onnxruntime-node';

/** @import { InferenceSession } from 'onnxruntime-node' */
/** @import { WorkerReply, WorkerRequest } from './inference-worker.js' */

if (!parentPort) throw new Error('inference-thread.js runs only as a worker thread');
const port = parentPort;

/**
 * ONNX Runtime hands every run's output to JavaScript in a fresh external buffer (even when it wrote into
 * ours). This thread allocates little else, so its collector, which runs by heap growth, let tens of MB of
 * dead outputs pile up between collections. A young-generation collection every few runs frees them for
 * ~1.3 ms, i.e. ~0.15 ms a run.
 */
setFlagsFromString('--expose-gc');
/** @type {(options: { type: 'minor' }) => void} */
const collect = runInNewContext('gc');
const RUNS_PER_COLLECT = 8;
let runsSinceCollect = 0;

/** @type {InferenceSession | undefined} */
let session;
let inputName = '';
let outputName = '';
/** @type {readonly number[]} */
let dims = [];

/** @type {WorkerRequest[]} */
const queue = [];
let draining = false;

port.on('message', (/** @type {WorkerRequest} */ msg) => {
  queue.push(msg);
  if (!draining) void drain();
});

async function drain() {
  draining = true;
  for (let msg = queue.shift(); msg; msg = queue.shift()) await handle(msg);
  draining = false;
}

/**
 * @param {WorkerReply} reply
 * @param {ArrayBuffer[]} [transfer]
 */
function reply(reply, transfer = []) {
  port.postMessage(reply, transfer);
}

/** @param {unknown} err */
function messageOf(err) {
  return err instanceof Error ? err.message : String(err);
}

/** @param {WorkerRequest} msg */
async function handle(msg) {
  try {
    if (msg.type === 'load') {
      const { model, options } = msg;
      const s =
        typeof model === 'string'
          ? await ort.InferenceSession.create(model, options)
          : await ort.InferenceSession.create(model, options);
      session = s;
      reply({
        type: 'loaded',
        info: {
          inputNames: s.inputNames,
          outputNames: s.outputNames,
          inputMetadata: s.inputMetadata,
          outputMetadata: s.outputMetadata,
        },
      });
    } else if (msg.type === 'io') {
      inputName = msg.inputName;
      dims = msg.dims;
      outputName = msg.outputName;
      reply({ type: 'ready' });
    } else if (msg.type === 'run') {
      await run(msg.input, msg.output, msg.dims ?? dims, msg.outputDims);
    } else if (msg.type === 'close') {
      if (session) await session.release();
      reply({ type: 'closed' });
    }
  } catch (err) {
    reply({ type: 'error', message: messageOf(err) });
  }
}

/**
 * @param {ArrayBuffer} input
 * @param {ArrayBuffer} output
 * @param {readonly number[]} runDims
 * @param {readonly number[] | undefined} outputDims
 */
async function run(input, output, runDims, outputDims) {
  /** @type {Float32Array} */
  let data;
  let ms = 0;
  let bound = false;
  try {
    if (!session) throw new Error('inference: no model loaded');
    const size = runDims.reduce((a, b) => a * b, 1);
    const tensor = new ort.Tensor('float32', new Float32Array(input, 0, size), runDims);
    const outSize = outputDims ? outputDims.reduce((a, b) => a * b, 1) : 0;
    bound = outSize > 0 && outSize * 4 <= output.byteLength;
    /** @type {Record<string, import('onnxruntime-node').Tensor>} */
    const fetches = {};
    if (bound)
      fetches[outputName] = new ort.Tensor('float32', new Float32Array(output, 0, outSize), outputDims);
    const t0 = performance.now();
    const result = bound
      ? await session.run({ [inputName]: tensor }, fetches)
      : await session.run({ [inputName]: tensor });
    ms = performance.now() - t0;
    const values = bound ? fetches[outputName]?.data : result[outputName]?.data;
    if (!(values instanceof Float32Array)) throw new Error(`model output "${outputName}" is not float32`);
    data = values;
  } catch (err) {
    // Hand the buffers back even on failure, so the next frame has an input buffer.
    reply({ type: 'failed', message: messageOf(err), input, output }, [input, output]);
    return;
  }
  if (!bound) {
    if (data.byteLength <= output.byteLength) new Float32Array(output, 0, data.length).set(data);
    else output = data.slice().buffer;
  }
  reply({ type: 'done', ms, input, output, length: data.length }, [input, output]);
  if (++runsSinceCollect >= RUNS_PER_COLLECT) {
    runsSinceCollect = 0;
    collect({ type: 'minor' });
  }
}
