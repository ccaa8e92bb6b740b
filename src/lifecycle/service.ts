/** A long-running part of the gateway: a source, a processor or a sink. */
export interface Service {
  readonly name: string;
  start(): Promise<void>;
  /** Stop taking new work, flush what was accepted, release resources. Must not throw. */
  stop(): Promise<void>;
}

/**
 * Starts services in order and stops them in reverse, so sources stop before the processors and sinks
 * they feed, and sinks flush last.
 */
export class ServiceGroup {
  private readonly started: Service[] = [];

  constructor(private readonly onStopError: (service: string, err: unknown) => void) {}

  async start(service: Service): Promise<void> {
    await service.start();
    this.started.push(service);
  }

  async stopAll(): Promise<void> {
    while (this.started.length > 0) {
      const s = this.started.pop()!;
      try {
        await s.stop();
      } catch (err) {
        this.onStopError(s.name, err);
      }
    }
  }
}
