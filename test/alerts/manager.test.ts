import { join } from 'node:path';
import pino from 'pino';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { AlertMessage, AlertSignal } from '../../src/alerts/alert.js';
import { UUID_V7, uuidv7 } from '../../src/alerts/ids.js';
import { AlertManager } from '../../src/alerts/manager.js';
import { Outbox } from '../../src/alerts/outbox.js';
import { Store } from '../../src/store/store.js';
import { removeDir, tempDir, waitUntil } from '../support/process.js';
import { assertValid } from '../support/uplink-schemas.js';

const dir = tempDir('alerts');
afterAll(() => removeDir(dir));
const log = pino({ level: 'silent' });
const NODE = { id: 'edge-01', site: 'binh-duong', name: 'QL13 km 12', location: { lat: 11.05, lon: 106.66 } };

let n = 0;
const open: { store: Store; manager: AlertManager }[] = [];
afterEach(async () => {
  for (const o of open.splice(0)) {
    await o.manager.stop();
    o.store.close();
  }
});

function setup(opts: { cooldownMs?: number; updateIntervalMs?: number; path?: string } = {}) {
  const store = new Store(opts.path ?? join(dir, `m${n++}.db`));
  const outbox = new Outbox(store, [{ name: 'mqtt', kinds: ['alert', 'evidence', 'telemetry'] }], 10_000_000);
  const manager = new AlertManager({
    node: NODE,
    cameraNames: { cam1: 'km12' },
    outbox,
    cooldownMs: opts.cooldownMs ?? 200,
    updateIntervalMs: opts.updateIntervalMs ?? 100,
    evidenceTopic: (id) => `ioc/binh-duong/edge-01/evidence/${id}`,
    log,
  });
  open.push({ store, manager });
  return { store, outbox, manager };
}

/** Alert messages in the outbox, in order, each checked against the published schema. */
function messages(outbox: Outbox): AlertMessage[] {
  return outbox
    .next('mqtt', 0, 0, 1000)
    .filter((r) => r.kind === 'alert')
    .map((r) => {
      const m = JSON.parse(r.payload.toString()) as AlertMessage;
      assertValid('alert', m);
      return m;
    });
}

const T0 = Date.parse('2026-03-01T07:00:00Z');
const stopped = (state: 'raise' | 'clear', ref: string, extra: Partial<AlertSignal> = {}): AlertSignal => ({
  state,
  source: { kind: 'camera', id: 'cam1' },
  type: 'stopped_vehicle',
  zone: 'shoulder',
  cls: 'car',
  severity: 'high',
  timeMs: T0,
  ref,
  detail: 'stopped 34 s in no_stopping zone shoulder',
  ...extra,
});

describe('UUIDv7', () => {
  it('is a version-7 UUID, unique and in creation order even within one millisecond', () => {
    const ids = Array.from({ length: 5000 }, () => uuidv7(T0));
    for (const id of ids.slice(0, 50)) expect(id).toMatch(UUID_V7);
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(ids);
    expect(Number.parseInt(ids[0]!.replaceAll('-', '').slice(0, 12), 16)).toBe(T0);
  });
});

describe('AlertManager', () => {
  it('new → coalesced update → end after the cooldown, one id, with bilingual title and location', async () => {
    const { outbox, manager } = setup();
    manager.signal(stopped('raise', 'i1', { evidenceExpected: true }));
    // Two more occurrences in the same zone within the update interval: one update, count 3.
    manager.signal(stopped('raise', 'i2', { timeMs: T0 + 1000 }));
    manager.signal(stopped('raise', 'i3', { timeMs: T0 + 2000, severity: 'critical' }));
    await waitUntil('coalesced update', async () => messages(outbox).length === 2);
    for (const ref of ['i1', 'i2', 'i3']) manager.signal(stopped('clear', ref, { timeMs: T0 + 5000 }));
    await waitUntil('end', async () => messages(outbox).length === 3);
    const [first, update, end] = messages(outbox);
    expect(first).toMatchObject({
      state: 'new',
      seq: 1,
      node: 'edge-01',
      site: 'binh-duong',
      source: { kind: 'camera', id: 'cam1', name: 'km12' },
      type: 'stopped_vehicle',
      zone: 'shoulder',
      class: 'car',
      severity: 'high',
      location: { lat: 11.05, lon: 106.66 },
      startedAt: '2026-03-01T07:00:00.000Z',
      title: {
        vi: 'Phương tiện dừng trên làn xe chạy — camera km12',
        en: 'Vehicle stopped in a traffic lane — camera km12',
      },
      count: 1,
      evidence: {
        snapshot: { topic: `ioc/binh-duong/edge-01/evidence/${first!.id}`, contentType: 'image/jpeg' },
      },
    });
    expect(first!.id).toMatch(UUID_V7);
    expect(update).toMatchObject({ id: first!.id, state: 'update', seq: 2, count: 3, severity: 'critical' });
    expect(end).toMatchObject({
      id: first!.id,
      state: 'end',
      seq: 3,
      endedAt: '2026-03-01T07:00:05.000Z',
      updatedAt: '2026-03-01T07:00:05.000Z',
    });
    expect(manager.health()).toMatchObject({ open: 0, totals: { raised: 1, updates: 1, ended: 1 } });
  });

  it('stays open while any occurrence is open, and a raise within the cooldown continues the same alert', async () => {
    const { outbox, manager } = setup({ cooldownMs: 300, updateIntervalMs: 0 });
    manager.signal(stopped('raise', 'a'));
    manager.signal(stopped('raise', 'b'));
    manager.signal(stopped('clear', 'a'));
    // Flapping: cleared, then back within the cooldown.
    manager.signal(stopped('clear', 'b'));
    manager.signal(stopped('raise', 'c'));
    manager.signal(stopped('clear', 'c'));
    await waitUntil('end', async () => messages(outbox).some((m) => m.state === 'end'));
    const msgs = messages(outbox);
    expect(new Set(msgs.map((m) => m.id)).size).toBe(1);
    expect(msgs.map((m) => m.state)).toEqual(['new', 'update', 'update', 'end']);
    expect(msgs.map((m) => m.seq)).toEqual([1, 2, 3, 4]);
    // A raise after the end is a new alert.
    manager.signal(stopped('raise', 'd'));
    const again = messages(outbox).at(-1)!;
    expect(again.state).toBe('new');
    expect(again.id).not.toBe(msgs[0]!.id);
  });

  it('keeps alerts of other zones, types and sensor metrics apart', () => {
    const { outbox, manager } = setup();
    manager.signal(stopped('raise', 'x'));
    manager.signal(stopped('raise', 'y', { zone: 'lane-2' }));
    manager.signal(stopped('raise', 'z', { type: 'wrong_way' }));
    const sensor = (metric: string, value: number): AlertSignal => ({
      state: 'raise',
      source: { kind: 'sensor', id: 'aq-01' },
      type: 'sensor_threshold',
      metric,
      value,
      threshold: 55.5,
      unit: 'µg/m³',
      severity: 'medium',
      timeMs: T0,
    });
    manager.signal(sensor('pm25', 62.14));
    manager.signal(sensor('pm10', 160));
    const msgs = messages(outbox);
    expect(msgs.map((m) => m.state)).toEqual(['new', 'new', 'new', 'new', 'new']);
    expect(new Set(msgs.map((m) => m.id)).size).toBe(5);
    expect(msgs[3]!.title).toEqual({
      vi: 'Cảm biến vượt ngưỡng (pm25 62.1 µg/m³) — thiết bị aq-01',
      en: 'Sensor threshold exceeded (pm25 62.1 µg/m³) — device aq-01',
    });
  });

  it('puts the evidence picture after the alert message, and announces a picture nobody expected', () => {
    const { outbox, manager } = setup();
    manager.signal(stopped('raise', 'i1', { evidenceExpected: true }));
    const jpeg = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3]);
    expect(manager.evidence('i1', jpeg)).toBe(true);
    manager.signal(stopped('raise', 'w1', { type: 'wrong_way' }));
    expect(manager.evidence('w1', jpeg)).toBe(true);
    expect(manager.evidence('unknown', jpeg)).toBe(false);
    const rows = outbox.next('mqtt', 0, 0, 100);
    expect(rows.map((r) => r.kind)).toEqual(['alert', 'evidence', 'alert', 'alert', 'evidence']);
    expect(rows[1]!.payload.equals(jpeg)).toBe(true);
    const wrong = messages(outbox).filter((m) => m.type === 'wrong_way');
    expect(wrong.map((m) => [m.state, m.evidence?.snapshot !== undefined])).toEqual([
      ['new', false],
      ['update', true],
    ]);
  });

  it('acknowledges an open alert with an immediate update; unknown ids are refused', () => {
    const { outbox, manager } = setup({ updateIntervalMs: 60_000 });
    manager.signal(stopped('raise', 'i1'));
    const id = messages(outbox)[0]!.id;
    const ack = manager.acknowledge(id, 'operator-7', 'patrol sent');
    expect(ack).toMatchObject({
      id,
      state: 'update',
      seq: 2,
      acknowledged: { by: 'operator-7', note: 'patrol sent' },
    });
    expect(manager.acknowledge('0190c1f2-0000-7000-8000-000000000000')).toBeUndefined();
  });

  it('continues an alert open at a restart (same id) or ends it after the cooldown when it does not come back', async () => {
    const path = join(dir, 'restart.db');
    const first = setup({ path, cooldownMs: 300 });
    first.manager.signal(stopped('raise', 'i1'));
    first.manager.signal({ ...stopped('raise', 'k1'), type: 'camera_down', zone: undefined, ref: undefined });
    const ids = messages(first.outbox).map((m) => m.id);
    await first.manager.stop();
    first.store.close();
    open.length = 0;

    const second = setup({ path, cooldownMs: 300 });
    await second.manager.start();
    expect(second.manager.health().open).toBe(2);
    second.manager.signal(stopped('raise', 'i7'));
    await waitUntil('camera_down ended', async () =>
      messages(second.outbox).some((m) => m.type === 'camera_down' && m.state === 'end'),
    );
    const msgs = messages(second.outbox);
    const stoppedMsgs = msgs.filter((m) => m.type === 'stopped_vehicle');
    expect(stoppedMsgs.map((m) => [m.id, m.state, m.seq])).toEqual([
      [ids[0], 'new', 1],
      [ids[0], 'update', 2],
    ]);
    expect(msgs.find((m) => m.type === 'camera_down' && m.state === 'end')?.id).toBe(ids[1]);
  });
});
