/**
 * Detection candidates as parallel typed arrays, in detector-input pixels. Allocated once per detector at
 * the model's maximum row count and reused for every frame, so decoding allocates nothing per candidate.
 */
export class Candidates {
  count = 0;
  readonly x1: Float32Array;
  readonly y1: Float32Array;
  readonly x2: Float32Array;
  readonly y2: Float32Array;
  readonly score: Float32Array;
  /** Index into TRAFFIC_CLASSES. */
  readonly cls: Uint8Array;

  constructor(readonly capacity: number) {
    this.x1 = new Float32Array(capacity);
    this.y1 = new Float32Array(capacity);
    this.x2 = new Float32Array(capacity);
    this.y2 = new Float32Array(capacity);
    this.score = new Float32Array(capacity);
    this.cls = new Uint8Array(capacity);
  }

  clear(): void {
    this.count = 0;
  }

  /** Appends one candidate; silently drops it when full (capacity is the model's row count, so never). */
  push(cls: number, score: number, x1: number, y1: number, x2: number, y2: number): void {
    const i = this.count;
    if (i >= this.capacity) return;
    this.x1[i] = x1;
    this.y1[i] = y1;
    this.x2[i] = x2;
    this.y2[i] = y2;
    this.score[i] = score;
    this.cls[i] = cls;
    this.count = i + 1;
  }

  /** Copies candidate `from` over slot `to` (compaction after filtering). */
  move(from: number, to: number): void {
    this.x1[to] = this.x1[from]!;
    this.y1[to] = this.y1[from]!;
    this.x2[to] = this.x2[from]!;
    this.y2[to] = this.y2[from]!;
    this.score[to] = this.score[from]!;
    this.cls[to] = this.cls[from]!;
  }
}
