import { defineConfig } from 'vitest/config';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * The longest files start first, while the other worker works through the rest:
 * started last (a fresh CI has no timing cache) one would add its whole length to the run: the 2-minute
 * camera soak, the accuracy runs with default settings (~4 min of clip analysis), the 100 s chaos run.
 */
const FIRST = ['/test/soak/', '/test/accuracy/default-settings.test.ts', '/test/chaos/gateway-chaos.test.ts'];

class LongestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const rank = (f: TestSpecification) => {
      const i = FIRST.findIndex((p) => f.moduleId.includes(p));
      return i < 0 ? FIRST.length : i;
    };
    // A stable sort: the rest keep vitest's order.
    return sorted.sort((a, b) => rank(a) - rank(b));
  }
}

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Tests that start real servers share 2 cores, which 2 workers keep ~95 % busy: a third worker made the
    // run no shorter, and timed out a clip analysis.
    maxWorkers: 2,
    reporters: ['default'],
    sequence: { sequencer: LongestFirst },
  },
});
