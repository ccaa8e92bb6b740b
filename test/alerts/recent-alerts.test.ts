import { describe, expect, it } from 'vitest';
import type { AlertMessage } from '../../src/alerts/alert.js';
import { RecentAlerts } from '../../src/alerts/recent-alerts.js';

const msg = (id: string, seq = 1) => ({ id, seq, state: seq === 1 ? 'new' : 'update' }) as AlertMessage;

describe('RecentAlerts', () => {
  it('keeps each alert once, at its latest message, newest first, and forgets the oldest past the bound', () => {
    const r = new RecentAlerts(3, 2);
    r.message(msg('a'));
    r.message(msg('b'));
    r.message(msg('a', 2));
    r.message(msg('c'));
    expect(r.list().map((m) => `${m.id}${m.seq}`)).toEqual(['c1', 'a2', 'b1']);
    r.message(msg('d'));
    expect(r.list().map((m) => m.id)).toEqual(['d', 'c', 'a']);
    expect(r.get('b')).toBeUndefined();
  });

  it('keeps the newest pictures only', () => {
    const r = new RecentAlerts(10, 2);
    for (const id of ['a', 'b', 'c']) r.picture(id, Buffer.from(id));
    expect(r.evidence('a')).toBeUndefined();
    expect(r.evidence('c')?.toString()).toBe('c');
  });
});
