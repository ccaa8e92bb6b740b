import { defineConfig } from 'vitest/config';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * The longest files start first, each on a worker of its own, while the others work through the rest:
 * started last (a fresh CI has no timing cache) one would add its whole length to the run: the 3-minute
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
    // Tests that start real servers share 2 cores; many of them mostly wait (for a camera to come back, an
    // outage to pass, a browser), so a third worker keeps the cores busy.
    maxWorkers: 3,
    reporters: ['default'],
    sequence: { sequencer: LongestFirst },
  },
});
