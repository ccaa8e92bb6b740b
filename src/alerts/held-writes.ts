/** Writes that met a full disk, kept in memory in order and retried every second until they fit. */
export class HeldWrites<W> {
  private readonly queue: W[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(
    /** Tries one write; false: still no room. */
    private readonly tryWrite: (w: W) => boolean,
    private readonly written: (w: W) => void,
    /** Called when a retry has written everything that was held. */
    private readonly drained: () => void,
  ) {}

  get length(): number {
    return this.queue.length;
  }

  hold(w: W): void {
    this.queue.push(w);
    this.timer ??= setTimeout(() => this.retry(), 1000);
  }

  /** A last try to write what is held; returns how many still wait. */
  flush(): number {
    clearTimeout(this.timer);
    this.retry();
    clearTimeout(this.timer);
    this.timer = undefined;
    return this.queue.length;
  }

  private retry(): void {
    this.timer = undefined;
    const had = this.queue.length;
    while (this.queue.length > 0) {
      const w = this.queue[0]!;
      if (!this.tryWrite(w)) break;
      this.queue.shift();
      this.written(w);
    }
    if (this.queue.length > 0) this.timer = setTimeout(() => this.retry(), 1000);
    else if (had > 0) this.drained();
  }
}
