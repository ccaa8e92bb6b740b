/** Commits remembered; past that (a long outage) the oldest are forgotten and rows look younger. */
const CAPACITY = 4096;

/**
 * When the spool rows waiting to be sent were committed: the last row id and the time of each recent
 * commit, oldest first. The drainer sends a partial batch once its oldest row waited flushInterval;
 * the rows left behind a full batch keep their own age instead of starting a new wait.
 */
export class CommitClock {
  private ids: number[] = [];
  private times: number[] = [];
  private head = 0;

  committed(lastId: number, at: number): void {
    if (this.ids.length - this.head >= CAPACITY) this.head++;
    this.ids.push(lastId);
    this.times.push(at);
    this.compact();
  }

  /** Commit time of the oldest row after row `cursor`; 0 when no commit after it is known. */
  oldestAfter(cursor: number): number {
    const ids = this.ids;
    while (this.head < ids.length && ids[this.head]! <= cursor) this.head++;
    this.compact();
    return this.head < this.ids.length ? this.times[this.head]! : 0;
  }

  clear(): void {
    this.ids = [];
    this.times = [];
    this.head = 0;
  }

  private compact(): void {
    if (this.head < 1024 || this.head * 2 < this.ids.length) return;
    this.ids = this.ids.slice(this.head);
    this.times = this.times.slice(this.head);
    this.head = 0;
  }
}
