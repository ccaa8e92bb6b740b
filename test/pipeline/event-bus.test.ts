import { describe, expect, it } from 'vitest';
import { EventBus } from '../../src/pipeline/event-bus.js';

type E = { type: 'a'; n: number } | { type: 'b'; s: string } | { type: 'c' };

describe('EventBus', () => {
  it('hands each event to the handlers of its type, in registration order', () => {
    const bus = new EventBus<E>();
    const seen: string[] = [];
    bus.on('a', (e) => seen.push(`1:a${e.n}`));
    bus.on(['a', 'b'], (e) => seen.push(`2:${e.type}`));
    bus.on('b', (e) => seen.push(`3:b${e.s}`));
    bus.publish({ type: 'a', n: 1 });
    bus.publish({ type: 'b', s: 'x' });
    bus.publish({ type: 'c' });
    expect(seen).toEqual(['1:a1', '2:a', '2:b', '3:bx']);
    expect(bus.has('a')).toBe(true);
    expect(bus.has('c')).toBe(false);
  });

  it('a handler that throws is reported and the others still get the event', () => {
    const errors: string[] = [];
    const bus = new EventBus<E>((err, type) => errors.push(`${type}: ${(err as Error).message}`));
    const seen: number[] = [];
    bus.on('a', () => {
      throw new Error('sink broke');
    });
    bus.on('a', (e) => seen.push(e.n));
    expect(() => bus.emit({ type: 'a', n: 7 })).not.toThrow();
    expect(seen).toEqual([7]);
    expect(errors).toEqual(['a: sink broke']);
    expect(bus.errors).toBe(1);
  });

  it('unsubscribes from every type it subscribed to', () => {
    const bus = new EventBus<E>();
    let n = 0;
    const off = bus.on(['a', 'b'], () => n++);
    bus.publish({ type: 'a', n: 1 });
    off();
    bus.publish({ type: 'a', n: 1 });
    bus.publish({ type: 'b', s: '' });
    expect(n).toBe(1);
    expect(bus.has('a')).toBe(false);
  });
});
