/**
 * Bounds the retained messages the broker keeps (aedes holds them in memory): at most `maxCount`
 * topics, each payload at most `maxSize` bytes. A publish past either keeps being delivered but loses
 * its retain flag (counted). An empty retained payload deletes the topic's retained message, as MQTT says.
 */
export class RetainedLimit {
  private readonly sizes = new Map<string, number>();
  refused = 0;

  constructor(
    private readonly maxCount: number,
    private readonly maxSize: number,
  ) {}

  get count(): number {
    return this.sizes.size;
  }

  /** Whether this retained publish may be kept; records it if so. */
  admit(topic: string, payloadBytes: number): boolean {
    if (payloadBytes === 0) {
      this.sizes.delete(topic);
      return true;
    }
    if (payloadBytes > this.maxSize || (!this.sizes.has(topic) && this.sizes.size >= this.maxCount)) {
      this.refused++;
      return false;
    }
    this.sizes.set(topic, payloadBytes);
    return true;
  }
}
