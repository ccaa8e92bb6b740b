/** Publishes per second of one client, counted in whole-second windows (cheap: two fields per client). */
export class PublishRate {
  private windowStart = 0;
  private count = 0;

  constructor(private readonly maxPerSecond: number) {}

  /** Counts one publish; false once the client is past its rate in this second. */
  allow(nowMs: number): boolean {
    if (nowMs - this.windowStart >= 1000) {
      this.windowStart = nowMs;
      this.count = 0;
    }
    return ++this.count <= this.maxPerSecond;
  }
}
