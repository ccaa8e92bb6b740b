import { createHash } from 'node:crypto';
import { createServer } from 'node:net';
import { resolve } from 'node:path';

/**
 * One gateway per data directory. A second `ioc-edge run` on the same directory (a technician trying a
 * config by hand beside the service) would open the same spool and outbox and send from them alongside
 * the first; it must stop before it touches them. The lock is a Linux abstract-namespace socket named
 * after the directory, held until the process ends: the kernel frees it however it ends, so a power cut or
 * a kill -9 leaves no stale lock behind. Where there is no abstract namespace (not Linux), nothing is held.
 */
export function lockDataDir(dataDir: string): Promise<void> {
  const dir = resolve(dataDir);
  const name = `\0ioc-edge-${createHash('sha256').update(dir).digest('hex').slice(0, 32)}`;
  return new Promise((done, fail) => {
    const server = createServer();
    server.unref();
    server.once('error', (err: NodeJS.ErrnoException) => {
      if (err.code !== 'EADDRINUSE') return done();
      fail(new Error(`dataDir: ${dir} is in use by another running gateway (ioc-edge run); stop it first`));
    });
    server.listen(name, () => done());
  });
}
