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
 * and back by transfer (no copy; ONNX Runtime does not accept SharedArrayBuffer tensors), and the output
 * buffer ONNX Runtime allocates is transferred to the main thread, so a run copies nothing.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const ort = require(workerData.ortPath);
let session, inputName, dims, outputName;
parentPort.on('message', async (msg) => {
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
      let data;
      let ms = 0;
      try {
        const t0 = performance.now();
        const result = await session.run({ [inputName]: new ort.Tensor('float32', new Float32Array(input), dims) });
        ms = performance.now() - t0;
        data = result[outputName].data;
      } catch (err) {
        // Hand the input buffer back even on failure, so the next frame has one.
        parentPort.postMessage({ type: 'failed', message: err && err.message ? err.message : String(err), input }, [input]);
        return;
      }
      const output = data.byteOffset === 0 && data.byteLength === data.buffer.byteLength ? data.buffer : data.slice().buffer;
      parentPort.postMessage({ type: 'done', ms, input, output }, [input, output]);
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
  | { type: 'done'; ms: number; input: ArrayBuffer; output: ArrayBuffer }
  | { type: 'failed'; message: string; input: ArrayBuffer }
  | { type: 'closed' }
  | { type: 'error'; message: string };

/**
 * An ONNX Runtime session in a worker thread. onnxruntime-node runs inference synchronously on the calling
 * thread, which would stall the event loop (camera pipes, the API) for every inference; here the main
 * thread keeps reading the next frame while the model runs. One request at a time.
 */
export class WorkerSession {
  /** Model input: preprocess writes here between runs (it is away in the worker during a run). */
  input = new Float32Array(0);
  /** Model output of the latest run. */
  output = new Float32Array(0);
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

  /** Sets the input and output the runs use and allocates the input buffer; call once before run(). */
  async configure(inputName: string, dims: readonly number[], outputName: string, outputLength: number) {
    this.input = new Float32Array(dims.reduce((a, b) => a * b, 1));
    this.outputLength = outputLength;
    await this.request({ type: 'io', inputName, dims, outputName });
  }

  private outputLength = 0;

  /** Runs the model on `input`; resolves with the inference time in ms once `output` holds the result. */
  async run(): Promise<number> {
    const buffer = this.input.buffer;
    const reply = await this.request({ type: 'run', input: buffer }, [buffer]);
    if (reply.type === 'failed') {
      this.input = new Float32Array(reply.input);
      throw new Error(reply.message);
    }
    if (reply.type !== 'done') throw new Error(`inference worker: unexpected reply ${reply.type}`);
    this.input = new Float32Array(reply.input);
    this.output = new Float32Array(reply.output);
    if (this.output.length !== this.outputLength) {
      throw new Error(`model output has ${this.output.length} values, expected ${this.outputLength}`);
    }
    return reply.ms;
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
    if (this.waiting) return Promise.reject(new Error('inference worker busy: one request at a time'));
    return new Promise<Reply>((resolve, reject) => {
      this.waiting = { resolve, reject };
      this.worker.postMessage(msg, transfer);
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
