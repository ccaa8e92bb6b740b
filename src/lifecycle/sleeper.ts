/**
 * One sleep at a time that can be cut short: `sleep(ms, wakeable)` resolves after `ms`, at `wake()` if
 * it was wakeable (new work arrived), or at `cancel()` whatever it was (stopping).
 */
export class Sleeper {
  private done: (() => void) | undefined;
  private wakeable = false;

  sleep(ms: number, wakeable: boolean): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(finish, ms);
      const self = this;
      function finish() {
        clearTimeout(timer);
        self.done = undefined;
        self.wakeable = false;
        resolve();
      }
      this.done = finish;
      this.wakeable = wakeable;
    });
  }

  /** Ends a wakeable sleep now; a backoff is not cut short. */
  wake(): void {
    if (this.wakeable) this.done?.();
  }

  /** Ends the sleep now, wakeable or not. */
  cancel(): void {
    this.done?.();
  }
}
