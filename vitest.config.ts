import { defineConfig } from 'vitest/config';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * The 3-minute camera soak starts first, on one worker, while the other works through the rest: started
 * last (a fresh CI has no timing cache) it would add its whole length to the run.
 */
class SoakFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const soak = (f: TestSpecification) => f.moduleId.includes('/test/soak/');
    return [...sorted.filter(soak), ...sorted.filter((f) => !soak(f))];
  }
}

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Tests that start real servers share 2 cores; keep parallelism modest.
    maxWorkers: 2,
    reporters: ['default'],
    sequence: { sequencer: SoakFirst },
  },
});
