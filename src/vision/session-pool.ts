import type { RunStats, WorkerSession } from './inference-worker.js';
import type { LoadedModel } from './model-loader.js';

/**
 * The detector's inference sessions (each a worker thread) and who may use them: detect() calls in flight,
 * the least busy session, waiting for a call to finish, and growing their buffers.
 */
export class SessionPool {
  /** detect() calls started and not finished. */
  pending = 0;
  private idleWaiters: (() => void)[] = [];

  constructor(readonly sessions: readonly WorkerSession[]) {}

  /** The loaded model's session and `count - 1` more (all released again if one fails to open). */
  static async open(loaded: LoadedModel, count: number): Promise<SessionPool> {
    const sessions = [loaded.session];
    try {
      for (let i = 1; i < Math.max(1, count); i++) sessions.push(await loaded.another());
    } catch (err) {
      await Promise.all(sessions.map((s) => s.release()));
      throw err;
    }
    return new SessionPool(sessions);
  }

  get size(): number {
    return this.sessions.length;
  }

  /** Inference timings over all sessions. */
  get stats(): RunStats {
    if (this.sessions.length === 1) return this.sessions[0]!.stats;
    const sum: RunStats = { runs: 0, totalMs: 0, lastMs: 0 };
    for (const s of this.sessions) {
      sum.runs += s.stats.runs;
      sum.totalMs += s.stats.totalMs;
      sum.lastMs = Math.max(sum.lastMs, s.stats.lastMs);
    }
    return sum;
  }

  /** The session for a frame with one picture to infer: the one with the fewest runs queued that has a free input. */
  free(): WorkerSession | undefined {
    let best: WorkerSession | undefined;
    for (const s of this.sessions) if (s.canRun && (!best || s.inFlight < best.inFlight)) best = s;
    return best;
  }

  /** Index of the session with the fewest runs queued (where a tiled frame's first tile goes). */
  leastBusy(): number {
    let best = 0;
    for (let i = 1; i < this.sessions.length; i++) {
      if (this.sessions[i]!.inFlight < this.sessions[best]!.inFlight) best = i;
    }
    return best;
  }

  /** Grows the sessions' buffers (once nothing is in flight) to `input` and `output` values. */
  async reserve(input: number, output: number): Promise<void> {
    if (this.sessions.every((s) => input <= s.inputCapacity && output <= s.outputCapacity)) return;
    while (this.pending > 0) await this.whenIdle();
    for (const s of this.sessions) s.reserve(input, output);
  }

  /** Resolves when a detect() finishes (waiters re-check their condition). */
  whenIdle(): Promise<void> {
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  wake(): void {
    if (this.idleWaiters.length === 0) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) w();
  }

  async close(): Promise<void> {
    await Promise.all(this.sessions.map((s) => s.release()));
  }
}
