import type { ConfigProblem } from './errors.js';

/**
 * What applying a new config came to: running (`applied`), refused before anything changed (`invalid`,
 * every problem with its path), or tried and undone because what it names did not come up
 * (`rolled_back`, one line per failure).
 */
export type ApplyOutcome =
  | { id: string; status: 'applied' }
  | { id: string; status: 'invalid'; problems: ConfigProblem[] }
  | { id: string; status: 'rolled_back'; failures: string[] };
