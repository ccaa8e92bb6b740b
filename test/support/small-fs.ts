import { execFileSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmdirSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface SmallFs {
  /** Where the filesystem is mounted; undefined when it could not be made. */
  dir?: string;
  /** Why not (shown as the reason a test is skipped). */
  why?: string;
  /** Unmounts it and removes the mount point. */
  remove(): void;
}

/**
 * A size-limited filesystem (tmpfs with size=) for disk-full tests. Mounting needs root (CI runs as
 * root); elsewhere `why` says so and the test is skipped with that reason.
 */
export function mountSmallFs(bytes: number, prefix: string): SmallFs {
  const dir = mkdtempSync(join(tmpdir(), `ioc-edge-${prefix}-`));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${bytes},mode=0755`, 'tmpfs', dir], { stdio: 'pipe' });
  } catch (err) {
    rmdirSync(dir);
    const why = String((err as { stderr?: Buffer }).stderr ?? err).trim();
    return { why: `cannot mount a ${bytes}-byte tmpfs (${why}): needs root`, remove: () => {} };
  }
  return {
    dir,
    remove() {
      try {
        execFileSync('umount', [dir], { stdio: 'pipe' });
      } catch {
        execFileSync('umount', ['-l', dir], { stdio: 'pipe' });
      }
      rmdirSync(dir);
    },
  };
}

/** Appends to `file` until the filesystem is full to the last byte (or `limit` bytes); returns bytes written. */
export function fillUp(file: string, limit = Number.MAX_SAFE_INTEGER): number {
  const fd = openSync(file, 'a');
  const chunk = Buffer.alloc(64 * 1024, 1);
  let n = 0;
  try {
    while (n < limit) {
      try {
        n += writeSync(fd, chunk, 0, Math.min(chunk.length, limit - n));
      } catch {
        // ENOSPC: single bytes until nothing more fits.
        try {
          n += writeSync(fd, chunk, 0, 1);
        } catch {
          break;
        }
      }
    }
  } finally {
    closeSync(fd);
  }
  return n;
}
