import { createRequire } from 'node:module';
import type { Logger } from '../log/logger.js';

interface DgramSocket {
  send(buf: Buffer, offset: number, length: number, path: string, cb?: () => void): void;
  on(event: 'error', cb: (err: Error) => void): void;
  close(): void;
}

/**
 * systemd's notify protocol (sd_notify(3)): `READY=1` once the gateway runs, `WATCHDOG=1` while its
 * pipelines make progress, `STATUS=...`, `STOPPING=1`, as datagrams to the unix socket in $NOTIFY_SOCKET
 * (a path, or `@name` in the abstract namespace). Node has no unix datagram sockets of its own: the
 * `unix-dgram` addon sends them. Without $NOTIFY_SOCKET (not under systemd) every call does nothing.
 */
export class SystemdNotifier {
  readonly socketPath?: string;
  /** Pings are due this often (half of WatchdogSec), when the unit has a watchdog for this process. */
  readonly watchdogMs?: number;
  private socket?: DgramSocket;
  private timer?: NodeJS.Timeout;
  private starving = false;

  constructor(
    private readonly log: Logger,
    env: NodeJS.ProcessEnv = process.env,
  ) {
    const path = env.NOTIFY_SOCKET;
    if (!path) return;
    this.socketPath = path.startsWith('@') ? `\0${path.slice(1)}` : path;
    const usec = Number(env.WATCHDOG_USEC);
    const forUs = !env.WATCHDOG_PID || Number(env.WATCHDOG_PID) === process.pid;
    if (usec > 0 && forUs) this.watchdogMs = Math.max(500, Math.floor(usec / 2000));
    try {
      const unix = createRequire(import.meta.url)('unix-dgram') as {
        createSocket(type: 'unix_dgram'): DgramSocket;
      };
      this.socket = unix.createSocket('unix_dgram');
      this.socket.on('error', (err) => log.warn({ err }, 'sd_notify: send failed'));
    } catch (err) {
      log.warn({ err }, 'NOTIFY_SOCKET is set but unix-dgram is not available: systemd is not told anything');
    }
  }

  get enabled(): boolean {
    return this.socket !== undefined;
  }

  send(state: string): void {
    if (!this.socket || !this.socketPath) return;
    const buf = Buffer.from(state);
    try {
      this.socket.send(buf, 0, buf.length, this.socketPath);
    } catch (err) {
      this.log.warn({ err }, 'sd_notify: send failed');
    }
  }

  ready(status?: string): void {
    this.send(status ? `READY=1\nSTATUS=${status}` : 'READY=1');
  }

  status(text: string): void {
    this.send(`STATUS=${text}`);
  }

  /**
   * Pings the watchdog every half period while `alive()` holds. When it stops holding (a pipeline hangs),
   * the pings stop and systemd kills and restarts the gateway after WatchdogSec.
   */
  startWatchdog(alive: () => boolean): void {
    if (!this.watchdogMs || !this.socket) return;
    const tick = () => {
      if (alive()) {
        if (this.starving) this.log.warn('pipelines make progress again: watchdog fed');
        this.starving = false;
        this.send('WATCHDOG=1');
      } else if (!this.starving) {
        this.starving = true;
        this.log.error('pipelines make no progress: the systemd watchdog is no longer fed');
      }
    };
    tick();
    this.timer = setInterval(tick, this.watchdogMs);
    this.timer.unref();
  }

  stopping(): void {
    clearInterval(this.timer);
    this.send('STOPPING=1');
  }

  close(): void {
    clearInterval(this.timer);
    try {
      this.socket?.close();
    } catch {
      // already closed
    }
    this.socket = undefined;
  }
}
