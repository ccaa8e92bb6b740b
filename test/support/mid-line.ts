import type { LineConfig } from '../../src/config/schema.js';

/** A level counting line across the whole frame at half its height: down = toward the bottom. */
export const MID_LINE: LineConfig = {
  id: 'l',
  points: [
    [0, 0.5],
    [1, 0.5],
  ],
  directions: ['down', 'up'],
  anchor: 'center',
};
