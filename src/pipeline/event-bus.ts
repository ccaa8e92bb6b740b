/**
 * How the pipeline's stages reach its sinks: a producer publishes a typed event, every handler registered
 * for that event's `type` gets it synchronously, in registration order. A handler that throws is reported
 * and the others still get the event; publish never throws. Nothing is allocated per event.
 */
export class EventBus<E extends { type: string }> {
  private readonly handlers = new Map<string, ((event: E) => void)[]>();
  /** Handler failures since start. */
  errors = 0;

  constructor(private readonly onError: (err: unknown, type: string) => void = () => {}) {}

  /** Calls `handler` for every event of the given type(s); returns the unsubscribe function. */
  on<T extends E['type']>(
    types: T | readonly T[],
    handler: (event: Extract<E, { type: T }>) => void,
  ): () => void {
    const list = (typeof types === 'string' ? [types] : types) as readonly string[];
    const h = handler as (event: E) => void;
    for (const t of list) {
      const hs = this.handlers.get(t);
      if (hs) hs.push(h);
      else this.handlers.set(t, [h]);
    }
    return () => {
      for (const t of list) {
        const hs = this.handlers.get(t);
        const i = hs ? hs.indexOf(h) : -1;
        if (i >= 0) hs!.splice(i, 1);
      }
    };
  }

  /** Whether any handler listens for this type (producers may skip building events nobody reads). */
  has(type: E['type']): boolean {
    return (this.handlers.get(type)?.length ?? 0) > 0;
  }

  publish(event: E): void {
    const hs = this.handlers.get(event.type);
    if (!hs) return;
    for (let i = 0; i < hs.length; i++) {
      try {
        hs[i]!(event);
      } catch (err) {
        this.errors++;
        this.onError(err, event.type);
      }
    }
  }

  /** Bound `publish`, for producers that take a plain callback. */
  readonly emit = (event: E): void => this.publish(event);
}
