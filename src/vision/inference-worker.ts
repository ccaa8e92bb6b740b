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
 * compiled dist/ without a loader. It owns the ONNX Runtime session; input and output live in
 * SharedArrayBuffers, so a run is two tiny messages and two copies in the worker, and nothing is allocated
 * per frame on the main thread.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const ort = require(workerData.ortPath);
let session, feeds, shared, input, output, outputName;
parentPort.on('message', async (msg) => {
  try {
    if (msg.type === 'load') {
      session = await ort.InferenceSession.create(msg.model, msg.options);
      parentPort.postMessage({ type: 'loaded', info: {
        inputNames: session.inputNames, outputNames: session.outputNames,
        inputMetadata: session.inputMetadata, outputMetadata: session.outputMetadata } });
    } else if (msg.type === 'buffers') {
      // ONNX Runtime does not take SharedArrayBuffer-backed tensors: copy into a private buffer per run.
      shared = new Float32Array(msg.input);
      input = new Float32Array(shared.length);
      feeds = { [msg.inputName]: new ort.Tensor('float32', input, msg.dims) };
      output = new Float32Array(msg.output);
      outputName = msg.outputName;
      parentPort.postMessage({ type: 'ready' });
    } else if (msg.type === 'run') {
      input.set(shared);
      const t0 = performance.now();
      const result = await session.run(feeds);
      const ms = performance.now() - t0;
      const data = result[outputName].data;
      if (data.length !== output.length) throw new Error('model output has ' + data.length + ' values, expected ' + output.length);
      output.set(data);
      parentPort.postMessage({ type: 'done', ms });
    } else if (msg.type === 'close') {
      if (session) await session.release();
      parentPort.postMessage({ type: 'closed' });
    }
  } catch (err) {
    parentPort.postMessage({ type: 'error', message: err && err.message ? err.message : String(err) });
  }
});
`;

type Reply =
  | { type: 'loaded'; info: SessionInfo }
  | { type: 'ready' }
  | { type: 'done'; ms: number }
  | { type: 'closed' }
  | { type: 'error'; message: string };

/**
 * An ONNX Runtime session in a worker thread. onnxruntime-node runs inference synchronously on the calling
 * thread, which would stall the event loop (camera pipes, the API) for every inference; here the main
 * thread keeps reading the next frame while the model runs. One request at a time.
 */
export class WorkerSession {
  /** Model input, shared with the worker: preprocess writes here. */
  input: Float32Array<ArrayBufferLike> = new Float32Array(0);
  /** Model output, shared with the worker: valid after run() resolves, until the next run(). */
  output: Float32Array<ArrayBufferLike> = new Float32Array(0);
  private waiting?: { resolve: (r: Reply) => void; reject: (e: Error) => void };
  private dead?: Error;

  private constructor(
    private readonly worker: Worker,
    readonly info: SessionInfo,
  ) {}

  static async create(model: string, options: InferenceSession.SessionOptions): Promise<WorkerSession> {
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

  /** Allocates the shared input and output buffers; call once before run(). */
  async allocate(inputName: string, dims: readonly number[], outputName: string, outputLength: number) {
    const inputLength = dims.reduce((a, b) => a * b, 1);
    const input = new SharedArrayBuffer(inputLength * 4);
    const output = new SharedArrayBuffer(outputLength * 4);
    this.input = new Float32Array(input);
    this.output = new Float32Array(output);
    await this.request({ type: 'buffers', inputName, dims, input, outputName, output });
  }

  /** Runs the model on `input`; resolves with the inference time in ms once `output` holds the result. */
  async run(): Promise<number> {
    const reply = await this.request({ type: 'run' });
    return reply.type === 'done' ? reply.ms : 0;
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

  private request(msg: object): Promise<Reply> {
    if (this.dead) return Promise.reject(this.dead);
    if (this.waiting) return Promise.reject(new Error('inference worker busy: one request at a time'));
    return new Promise<Reply>((resolve, reject) => {
      this.waiting = { resolve, reject };
      this.worker.postMessage(msg);
    });
  }

  private onReply(msg: Reply): void {
    const w = this.waiting;
    this.waiting = undefined;
    if (!w) return;
    if (msg.type === 'error') w.reject(new Error(msg.message));
    else w.resolve(msg);
  }

  private fail(err: Error): void {
    this.dead ??= err;
    const w = this.waiting;
    this.waiting = undefined;
    w?.reject(err);
  }
}
