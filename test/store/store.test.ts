import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Store } from '../../src/store/store.js';
import { removeDir, tempDir } from '../support/process.js';

const dir = tempDir('store');
afterAll(() => removeDir(dir));

describe('Store', () => {
  it('opens in WAL mode and applies each module migration once, across reopen', () => {
    const path = join(dir, 'a', 'ioc.db');
    const s1 = new Store(path);
    expect(s1.db.pragma('journal_mode', { simple: true })).toBe('wal');
    s1.migrate('demo', ['CREATE TABLE demo (id INTEGER PRIMARY KEY, v TEXT) STRICT']);
    s1.db.prepare('INSERT INTO demo (v) VALUES (?)').run('kept');
    s1.close();

    const s2 = new Store(path);
    s2.migrate('demo', [
      'CREATE TABLE demo (id INTEGER PRIMARY KEY, v TEXT) STRICT',
      'ALTER TABLE demo ADD COLUMN w INTEGER',
    ]);
    expect(s2.db.prepare('SELECT v, w FROM demo').all()).toEqual([{ v: 'kept', w: null }]);
    expect(s2.sizeBytes()).toBeGreaterThan(0);
    s2.close();
  });

  it('refuses a database written by a newer build', () => {
    const path = join(dir, 'b.db');
    const s = new Store(path);
    s.migrate('m', ['SELECT 1', 'SELECT 1']);
    expect(() => s.migrate('m', ['SELECT 1'])).toThrow(
      /module m is at version 2, newer than this build knows/,
    );
    s.close();
  });
});
