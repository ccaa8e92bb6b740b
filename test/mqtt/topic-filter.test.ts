import { describe, expect, it } from 'vitest';
import { covers, minimalFilters, topicMatches } from '../../src/mqtt/topic-filter.js';

describe('topic filters', () => {
  it('matches topics like a broker', () => {
    expect(topicMatches('sensors/+/state', 'sensors/aq-01/state')).toBe(true);
    expect(topicMatches('sensors/+/state', 'sensors/aq-01/x/state')).toBe(false);
    expect(topicMatches('sensors/#', 'sensors')).toBe(true);
    expect(topicMatches('#', '$SYS/broker')).toBe(false);
    expect(topicMatches('+/x', '$SYS/x')).toBe(false);
  });

  it('knows which filter covers which, and keeps no overlapping pair', () => {
    expect(covers('sensors/#', 'sensors/+/state')).toBe(true);
    expect(covers('sensors/+/state', 'sensors/aq-01/state')).toBe(true);
    expect(covers('sensors/aq-01/state', 'sensors/+/state')).toBe(false);
    expect(covers('x/+', 'x/#')).toBe(false);
    expect(
      minimalFilters(['sensors/aq-01/state', 'sensors/+/state', 'tele/+/SENSOR', 'sensors/#', 'sensors/#']),
    ).toEqual(['tele/+/SENSOR', 'sensors/#']);
  });
});
