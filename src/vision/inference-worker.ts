import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { InferenceSession } from 'onnxruntime-node';

/** What readModelIo needs to know about a loaded model. */
export interface SessionInfo {
  inputNames: readonly string[];
  outputNames: readonly string[];
  inputMetadata: readonly InferenceSession.ValueMetadata[];
  outputMetadata: readonly InferenceSession.ValueMetadata[];
}

/*
 * The worker is plain JavaScript run from a string (eval), so it works the same under tsx, vitest and the
 * compiled dist/ without a loader. It owns the ONNX Runtime session. The input buffer travels to the worker
 * and back by transfer (no copy; ONNX Runtime does not accept SharedArrayBuffer tensors). ONNX Runtime
 * allocates a fresh output buffer per run; the worker copies it into one of a few output buffers that
 * travel back and forth with the runs, so the main thread (with the bigger heap) never sees a new
 * megabyte-sized allocation per frame — those made it run a full garbage collection every ~20 frames.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const ort = require(workerData.ortPath);
let session, inputName, dims, outputName;
// Runs are queued by the main thread (double buffering): handle messages strictly one after another.
const queue = [];
let draining = false;
parentPort.on('message', (msg) => {
  queue.push(msg);
  if (!draining) void drain();
});
async function drain() {
  draining = true;
  while (queue.length > 0) await handle(queue.shift());
  draining = false;
}
async function handle(msg) {
  try {
    if (msg.type === 'load') {
      session = await ort.InferenceSession.create(msg.model, msg.options);
      parentPort.postMessage({ type: 'loaded', info: {
        inputNames: session.inputNames, outputNames: session.outputNames,
        inputMetadata: session.inputMetadata, outputMetadata: session.outputMetadata } });
    } else if (msg.type === 'io') {
      inputName = msg.inputName;
      dims = msg.dims;
      outputName = msg.outputName;
      parentPort.postMessage({ type: 'ready' });
    } else if (msg.type === 'run') {
      const input = msg.input;
      let output = msg.output;
      const runDims = msg.dims || dims;
      let data;
      let ms = 0;
      try {
        const t0 = performance.now();
        const result = await session.run({ [inputName]: new ort.Tensor('float32', new Float32Array(input, 0, runDims[0] * runDims[1] * runDims[2] * runDims[3]), runDims) });
        ms = performance.now() - t0;
        data = result[outputName].data;
      } catch (err) {
        // Hand the input buffer back even on failure, so the next frame has one.
        parentPort.postMessage({ type: 'failed', message: err && err.message ? err.message : String(err), input, output }, [input, output]);
        return;
      }
      if (data.byteLength <= output.byteLength) new Float32Array(output, 0, data.length).set(data);
      else output = data.slice().buffer;
      parentPort.postMessage({ type: 'done', ms, input, output, length: data.length }, [input, output]);
    } else if (msg.type === 'close') {
      if (session) await session.release();
      parentPort.postMessage({ type: 'closed' });
    }
  } catch (err) {
    parentPort.postMessage({ type: 'error', message: err && err.message ? err.message : String(err) });
  }
}
`;

type Reply =
  | { type: 'loaded'; info: SessionInfo }
  | { type: 'ready' }
  | { type: 'done'; ms: number; input: ArrayBuffer; output: ArrayBuffer; length: number }
  | { type: 'failed'; message: string; input: ArrayBuffer; output: ArrayBuffer }
  | { type: 'closed' }
  | { type: 'error'; message: string };

/** Run counters, updated as each reply arrives. */
export interface RunStats {
  runs: number;
  totalMs: number;
  lastMs: number;
}

interface Waiter {
  resolve: (r: Reply) => void;
  reject: (e: Error) => void;
}

/**
 * An ONNX Runtime session in a worker thread. onnxruntime-node runs inference synchronously on the calling
 * thread, which would stall the event loop (camera pipes, the API) for every inference; here the main
 * thread keeps reading the next frame while the model runs.
 *
 * Two input buffers (double buffering): while one is away in the worker being inferred, the caller can
 * preprocess the next frame into the other and queue it with run(), so the worker goes straight from one
 * inference to the next. The worker handles requests in order and replies arrive in order (FIFO).
 */
export class WorkerSession {
  /**
   * The free input buffer preprocess writes into before run(); empty (length 0) while both buffers are
   * away in the worker (`canRun` false).
   */
  input: Float32Array<ArrayBuffer> = new Float32Array(0);
  /** Updated on every reply to a run. */
  readonly stats: RunStats = { runs: 0, totalMs: 0, lastMs: 0 };
  private spare?: Float32Array<ArrayBuffer>;
  private readonly waiting: Waiter[] = [];
  private dead?: Error;
  private inputLength = 0;
  private outputBytes = 0;
  /** Output buffers back from the worker and recycled by the caller, for the next runs. */
  private readonly freeOutputs: ArrayBuffer[] = [];

  private constructor(
    private readonly worker: Worker,
    readonly info: SessionInfo,
  ) {}

  /** `model`: a file path, or the model's bytes. */
  static async create(
    model: string | Uint8Array,
    options: InferenceSession.SessionOptions,
  ): Promise<WorkerSession> {
    const ortPath = createRequire(import.meta.url).resolve('onnxruntime-node');
    const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { ortPath } });
    let session: WorkerSession | undefined;
    const bootstrap = new Promise<SessionInfo>((resolve, reject) => {
      const onMessage = (msg: Reply) => {
        worker.off('message', onMessage);
        if (msg.type === 'loaded') resolve(msg.info);
        else reject(new Error(msg.type === 'error' ? msg.message : `unexpected ${msg.type}`));
      };
      worker.on('message', onMessage);
      worker.once('error', reject);
    });
    worker.postMessage({ type: 'load', model, options });
    try {
      const info = await bootstrap;
      session = new WorkerSession(worker, info);
    } catch (err) {
      await worker.terminate();
      throw err;
    }
    worker.on('message', (msg: Reply) => session!.onReply(msg));
    worker.on('error', (err) => session!.fail(err));
    worker.on('exit', (code) => session!.fail(new Error(`inference worker exited (code ${code})`)));
    return session;
  }

  /**
   * Sets the input and output the runs use and allocates the two input buffers for the largest input
   * (`dims`, also the default shape of a run) and the output buffers for up to `outputLength` values;
   * call once before run().
   */
  async configure(inputName: string, dims: readonly number[], outputName: string, outputLength: number) {
    const size = dims.reduce((a, b) => a * b, 1);
    this.input = new Float32Array(size);
    this.spare = new Float32Array(size);
    this.inputLength = size;
    this.outputBytes = outputLength * 4;
    await this.request({ type: 'io', inputName, dims, outputName });
  }

  /** True when an input buffer is free for the next run, or when run() would fail at once (worker gone). */
  get canRun(): boolean {
    return this.input.length > 0 || this.dead !== undefined;
  }

  /**
   * Queues a run on the current `input` (which then goes away to the worker; `input` becomes the other
   * buffer, or empty while both are away) and resolves with the model output of this run. `dims`: this
   * run's input shape when smaller than the configured one (the input then uses the buffer's first
   * values; a model with symbolic image dimensions). Hand the output to recycle() once it is read.
   */
  async run(dims?: readonly number[]): Promise<Float32Array> {
    if (this.dead) throw this.dead;
    if (this.input.length === 0) throw new Error('inference: both input buffers are in flight');
    if (dims && dims.reduce((a, b) => a * b, 1) > this.inputLength) {
      throw new Error(`inference: input [${dims.join(', ')}] exceeds the configured input size`);
    }
    const buffer = this.input.buffer as ArrayBuffer;
    this.input = this.spare ?? new Float32Array(0);
    this.spare = undefined;
    const output = this.freeOutputs.pop() ?? new ArrayBuffer(this.outputBytes);
    const reply = await this.request({ type: 'run', input: buffer, output, dims }, [buffer, output]);
    if (reply.type !== 'done') throw new Error(`inference worker: unexpected reply ${reply.type}`);
    return new Float32Array(reply.output, 0, reply.length);
  }

  /** Output buffers ready for the next runs (recycled ones; a run takes one or allocates). */
  get spareOutputs(): number {
    return this.freeOutputs.length;
  }

  /** Gives a run's output buffer back for later runs; the array must not be used afterwards. */
  recycle(output: Float32Array): void {
    this.keepOutput(output.buffer as ArrayBuffer);
  }

  private keepOutput(buffer: ArrayBuffer): void {
    if (buffer.byteLength === this.outputBytes && this.freeOutputs.length < 4) this.freeOutputs.push(buffer);
  }

  async release(): Promise<void> {
    if (!this.dead) {
      try {
        await this.request({ type: 'close' });
      } catch {
        // closing anyway
      }
    }
    this.dead ??= new Error('inference session closed');
    await this.worker.terminate();
  }

  private request(msg: object, transfer: ArrayBuffer[] = []): Promise<Reply> {
    if (this.dead) return Promise.reject(this.dead);
    return new Promise<Reply>((resolve, reject) => {
      this.waiting.push({ resolve, reject });
      this.worker.postMessage(msg, transfer);
    });
  }

  /** Takes back an input buffer the worker returned. */
  private giveBack(buffer: ArrayBuffer): void {
    const back = new Float32Array(buffer);
    if (this.input.length === 0) this.input = back;
    else this.spare = back;
  }

  private onReply(msg: Reply): void {
    const w = this.waiting.shift();
    if (msg.type === 'done' || msg.type === 'failed') this.giveBack(msg.input);
    if (msg.type === 'failed') this.keepOutput(msg.output);
    if (msg.type === 'done') {
      this.stats.runs++;
      this.stats.totalMs += msg.ms;
      this.stats.lastMs = msg.ms;
    }
    if (!w) return;
    if (msg.type === 'error' || msg.type === 'failed') w.reject(new Error(msg.message));
    else w.resolve(msg);
  }

  private fail(err: Error): void {
    this.dead ??= err;
    for (const w of this.waiting.splice(0)) w.reject(err);
  }
}
