// @ts-check
/**
 * The inference worker thread (started by WorkerSession in inference-worker.ts). It owns the ONNX Runtime
 * session. Plain JavaScript type-checked through JSDoc, so the same file runs under tsx, under vitest
 * (a worker thread gets no TypeScript transform there) and from the compiled dist/ on plain Node.
 *
 * Each run's input buffer arrives by transfer and goes back with the reply, even when the run fails (no
 * copy; ONNX Runtime does not accept SharedArrayBuffer tensors). ONNX Runtime allocates a fresh output per
 * run; it is copied into the output buffer that came with the run (recycled by the main thread), so the
 * main thread, with the bigger heap, never sees a new megabyte-sized allocation per frame: those made it
 * run a full garbage collection every ~20 frames. Messages are handled strictly one after another: the
 * main thread queues the next run while one is inferred (double buffering).
 */
import { parentPort } from 'node:worker_threads';
import ort from 'onnxruntime-node';

/** @import { InferenceSession } from 'onnxruntime-node' */
/** @import { WorkerReply, WorkerRequest } from './inference-worker.js' */

if (!parentPort) throw new Error('inference-thread.js runs only as a worker thread');
const port = parentPort;

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
      await run(msg.input, msg.output, msg.dims ?? dims);
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
 */
async function run(input, output, runDims) {
  /** @type {Float32Array} */
  let data;
  let ms = 0;
  try {
    if (!session) throw new Error('inference: no model loaded');
    const size = runDims.reduce((a, b) => a * b, 1);
    const tensor = new ort.Tensor('float32', new Float32Array(input, 0, size), runDims);
    const t0 = performance.now();
    const result = await session.run({ [inputName]: tensor });
    ms = performance.now() - t0;
    const values = result[outputName]?.data;
    if (!(values instanceof Float32Array)) throw new Error(`model output "${outputName}" is not float32`);
    data = values;
  } catch (err) {
    // Hand the buffers back even on failure, so the next frame has an input buffer.
    reply({ type: 'failed', message: messageOf(err), input, output }, [input, output]);
    return;
  }
  if (data.byteLength <= output.byteLength) new Float32Array(output, 0, data.length).set(data);
  else output = data.slice().buffer;
  reply({ type: 'done', ms, input, output, length: data.length }, [input, output]);
}
