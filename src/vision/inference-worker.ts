import { Worker } from 'node:worker_threads';
import type { InferenceSession } from 'onnxruntime-node';

/** What readModelIo needs to know about a loaded model. */
export interface SessionInfo {
  inputNames: readonly string[];
  outputNames: readonly string[];
  inputMetadata: readonly InferenceSession.ValueMetadata[];
  outputMetadata: readonly InferenceSession.ValueMetadata[];
}

/** Messages to the inference thread (inference-thread.js). */
export type WorkerRequest =
  | { type: 'load'; model: string | Uint8Array; options: InferenceSession.SessionOptions }
  | { type: 'io'; inputName: string; dims: readonly number[]; outputName: string }
  | {
      type: 'run';
      input: ArrayBuffer;
      output: ArrayBuffer;
      dims?: readonly number[];
      /** The output's shape when known: ONNX Runtime then writes straight into `output`. */
      outputDims?: readonly number[];
    }
  | { type: 'close' };

/** Its replies, one per request, in request order. */
export type WorkerReply =
  | { type: 'loaded'; info: SessionInfo }
  | { type: 'ready' }
  | { type: 'done'; ms: number; input: ArrayBuffer; output: ArrayBuffer; length: number }
  | { type: 'failed'; message: string; input: ArrayBuffer; output: ArrayBuffer }
  | { type: 'closed' }
  | { type: 'error'; message: string };

/**
 * The worker thread's code: a plain ESM .js file beside this module (copied to dist/ by tsc), as a worker
 * thread started on a .ts file would get no TypeScript loader under vitest.
 */
const THREAD = new URL('./inference-thread.js', import.meta.url);

/** Run counters, updated as each reply arrives. */
export interface RunStats {
  runs: number;
  totalMs: number;
  lastMs: number;
}

interface Waiter {
  resolve: (r: WorkerReply) => void;
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
    const worker = new Worker(THREAD);
    let session: WorkerSession | undefined;
    const bootstrap = new Promise<SessionInfo>((resolve, reject) => {
      const onMessage = (msg: WorkerReply) => {
        worker.off('message', onMessage);
        if (msg.type === 'loaded') resolve(msg.info);
        else reject(new Error(msg.type === 'error' ? msg.message : `unexpected ${msg.type}`));
      };
      worker.on('message', onMessage);
      worker.once('error', reject);
    });
    worker.postMessage({ type: 'load', model, options } satisfies WorkerRequest);
    try {
      const info = await bootstrap;
      session = new WorkerSession(worker, info);
    } catch (err) {
      await worker.terminate();
      throw err;
    }
    worker.on('message', (msg: WorkerReply) => session!.onReply(msg));
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

  /** Runs queued in the worker and not answered yet. */
  get inFlight(): number {
    return this.waiting.length;
  }

  /** Values the input buffers hold (the largest input a run may have). */
  get inputCapacity(): number {
    return this.inputLength;
  }

  /** Output values a run may return without a new buffer. */
  get outputCapacity(): number {
    return this.outputBytes / 4;
  }

  /**
   * Grows the input buffers to `inputValues` and the recycled output buffers to `outputValues` (a larger
   * input than configured: a wide detection region). Only while no run is in flight.
   */
  reserve(inputValues: number, outputValues: number): void {
    if (this.waiting.length > 0 || this.input.length === 0 || !this.spare) {
      throw new Error('inference: cannot resize the buffers while a run is in flight');
    }
    if (inputValues > this.inputLength) {
      this.input = new Float32Array(inputValues);
      this.spare = new Float32Array(inputValues);
      this.inputLength = inputValues;
    }
    if (outputValues * 4 > this.outputBytes) {
      this.outputBytes = outputValues * 4;
      this.freeOutputs.length = 0;
    }
  }

  /** True when an input buffer is free for the next run, or when run() would fail at once (worker gone). */
  get canRun(): boolean {
    return this.input.length > 0 || this.dead !== undefined;
  }

  /**
   * Queues a run on the current `input` (which then goes away to the worker; `input` becomes the other
   * buffer, or empty while both are away) and resolves with the model output of this run. `dims`: this
   * run's input shape when smaller than the configured one (the input then uses the buffer's first
   * values; a model with symbolic image dimensions). `outputDims`: the output's shape, when the caller
   * knows it: the model then writes into a recycled output buffer instead of a fresh one per run. Hand the
   * output to recycle() once it is read.
   */
  async run(dims?: readonly number[], outputDims?: readonly number[]): Promise<Float32Array> {
    if (this.dead) throw this.dead;
    if (this.input.length === 0) throw new Error('inference: both input buffers are in flight');
    if (dims && dims.reduce((a, b) => a * b, 1) > this.inputLength) {
      throw new Error(`inference: input [${dims.join(', ')}] exceeds the configured input size`);
    }
    const buffer = this.input.buffer as ArrayBuffer;
    this.input = this.spare ?? new Float32Array(0);
    this.spare = undefined;
    const output = this.freeOutputs.pop() ?? new ArrayBuffer(this.outputBytes);
    const reply = await this.request({ type: 'run', input: buffer, output, dims, outputDims }, [
      buffer,
      output,
    ]);
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

  private request(msg: WorkerRequest, transfer: ArrayBuffer[] = []): Promise<WorkerReply> {
    if (this.dead) return Promise.reject(this.dead);
    return new Promise<WorkerReply>((resolve, reject) => {
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

  private onReply(msg: WorkerReply): void {
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
