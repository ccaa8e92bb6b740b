import { Candidates } from './candidates.js';
import type { TileTags } from './tile-merge.js';

/**
 * One tiled frame's cross-tile buffers: the kept boxes of all its tiles in camera fractions, tagged with
 * their tile, for the merge across tiles. Each tiled frame in flight has its own (frames' tiles are
 * collected across awaits); they grow with the tile count and are reused.
 */
export class TileSet {
  merged = new Candidates(0);
  tags: TileTags = { tile: new Uint8Array(0), cut: new Uint8Array(0) };
  order = new Int32Array(0);
  suppressed = new Uint8Array(0);

  /** Sizes the buffers for `rows` output rows in all (allocates only when that grows) and clears them. */
  begin(rows: number): void {
    if (this.merged.capacity < rows) {
      this.merged = new Candidates(rows);
      this.tags = { tile: new Uint8Array(rows), cut: new Uint8Array(rows) };
      this.order = new Int32Array(rows);
      this.suppressed = new Uint8Array(rows);
    }
    this.merged.clear();
  }
}
