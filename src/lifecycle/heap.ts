import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

let gc: ((options?: { type?: 'major' | 'minor' }) => void) | undefined;

/**
 * A full garbage collection now. Starting the gateway leaves tens of MB of dead objects (config parsing,
 * module initialisation) that V8 collects only once the heap grows again, which on a quiet box (sensors
 * only, or cameras not yet streaming) may be never: collected once after start, the heap stays small.
 */
export function collectGarbage(): void {
  if (!gc) {
    setFlagsFromString('--expose-gc');
    gc = runInNewContext('gc') as typeof gc;
  }
  gc?.({ type: 'major' });
}
