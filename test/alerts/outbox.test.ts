import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Outbox, type OutboxEntry } from '../../src/alerts/outbox.js';
import { Store } from '../../src/store/store.js';
import { removeDir, tempDir } from '../support/process.js';

const dir = tempDir('outbox');
afterAll(() => removeDir(dir));

const SINKS = [
  { name: 'mqtt', kinds: ['alert', 'evidence', 'telemetry'] as const },
  { name: 'webhook', kinds: ['alert', 'evidence'] as const },
];

const alert = (id: string, severity: OutboxEntry['severity'], size = 200): OutboxEntry => ({
  kind: 'alert',
  alertId: id,
  severity,
  payload: Buffer.alloc(size, 0x7b),
});

describe('alert outbox', () => {
  it('keeps a copy per sink, in order, across a reopen; deletes on ack; dead-letters with the answer', () => {
    const path = join(dir, 'a.db');
    let store = new Store(path);
    let box = new Outbox(store, SINKS, 10_000_000);
    box.append(
      [alert('a1', 'high'), { kind: 'evidence', alertId: 'a1', payload: Buffer.from([0xff, 0xd8]) }],
      true,
    );
    box.append([{ kind: 'telemetry', payload: Buffer.from('{"t":1}') }], false);
    box.append([alert('a2', 'low')], true);
    expect(box.depth).toBe(7);
    store.close();

    store = new Store(path);
    box = new Outbox(store, SINKS, 10_000_000);
    expect(box.depth).toBe(7);
    const mqtt = box.next('mqtt', 0, 0, 10);
    expect(mqtt.map((r) => [r.kind, r.alertId])).toEqual([
      ['alert', 'a1'],
      ['evidence', 'a1'],
      ['alert', 'a2'],
    ]);
    expect(box.next('mqtt', 1, 0, 10).map((r) => r.payload.toString())).toEqual(['{"t":1}']);
    expect(box.next('webhook', 1, 0, 10)).toEqual([]);
    const hook = box.next('webhook', 0, 0, 10);
    expect(hook).toHaveLength(3);
    box.ack(mqtt.map((r) => r.seq));
    box.ack([mqtt[0]!.seq]); // twice: nothing more happens
    box.deadLetter('webhook', hook[0]!, 422, 'unknown camera');
    expect(box.depth).toBe(3);
    expect(box.stats()).toMatchObject({ messages: 3, bySink: { mqtt: 1, webhook: 2 }, deadLettered: 1 });
    expect(box.deadLetters()[0]).toMatchObject({
      sink: 'webhook',
      kind: 'alert',
      alertId: 'a1',
      status: 422,
      answer: 'unknown camera',
    });
    store.close();

    // The webhook is no longer configured: its rows would wait forever.
    store = new Store(path);
    box = new Outbox(store, [SINKS[0]!], 10_000_000);
    expect(box.dropUnconfigured()).toEqual({ webhook: 2 });
    expect(box.depth).toBe(1);
    expect(box.stats().bySink).toEqual({ mqtt: 1 });
    store.close();
  });

  it('past maxBytes drops telemetry first, then whole info alerts, then evidence; never other alerts', () => {
    const store = new Store(join(dir, 'b.db'));
    const mqttOnly = [SINKS[0]!];
    const drops: string[] = [];
    const box = new Outbox(store, mqttOnly, 20_000, (what, n) => drops.push(`${what}:${n}`));
    box.append([{ kind: 'telemetry', payload: Buffer.alloc(3000) }], false);
    box.append([alert('info-1', 'info', 2000), alert('info-1', 'info', 2000)], true);
    box.append(
      [
        alert('crit-1', 'critical', 1000),
        { kind: 'evidence', alertId: 'crit-1', payload: Buffer.alloc(6000) },
      ],
      true,
    );
    box.append([alert('info-2', 'info', 2000)], true);
    expect(box.sizeBytes).toBeLessThan(20_000);
    expect(drops).toEqual([]);
    // This one tips it over: telemetry goes, then the oldest info alert (both its messages).
    box.append([alert('high-1', 'high', 7000)], true);
    expect(drops).toEqual(['telemetry:1', 'infoAlerts:1']);
    expect(box.next('mqtt', 0, 0, 100).map((r) => r.alertId)).toEqual([
      'crit-1',
      'crit-1',
      'info-2',
      'high-1',
    ]);
    // Then info-2, then the evidence; the critical and high alert messages stay even over the bound.
    box.append([alert('high-2', 'high', 9000)], true);
    box.append([alert('high-3', 'high', 9000)], true);
    expect(box.next('mqtt', 0, 0, 100).map((r) => [r.alertId, r.kind])).toEqual([
      ['crit-1', 'alert'],
      ['high-1', 'alert'],
      ['high-2', 'alert'],
      ['high-3', 'alert'],
    ]);
    expect(box.stats().dropped).toEqual({ telemetry: 1, infoAlerts: 2, evidence: 1 });
    store.close();
    // Counted across restarts.
    const again = new Outbox(new Store(join(dir, 'b.db')), mqttOnly, 20_000);
    expect(again.stats().dropped).toEqual({ telemetry: 1, infoAlerts: 2, evidence: 1 });
    again.store.close();
  });
});
