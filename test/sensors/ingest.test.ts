import { describe, expect, it } from 'vitest';
import { parseConfigText } from '../../src/config/load.js';
import { ArrivalLedger } from '../../src/sensors/arrival-ledger.js';
import { SensorIngest } from '../../src/sensors/ingest.js';
import { DeviceRegistry } from '../../src/sensors/registry.js';
import type { RejectedMessage } from '../../src/sensors/rejected-store.js';
import { Store } from '../../src/store/store.js';
import { prepareDefaultTags } from '../../src/timeseries/line-protocol.js';
import { newBatch, Spool } from '../../src/timeseries/spool.js';
import { SpoolSink } from '../../src/timeseries/spool-sink.js';

// The config shape of the issue, verbatim.
const ISSUE_YAML = `
node: { id: edge-01, site: binh-duong }
mqtt: { broker: { embedded: false } }
sensors:
  broker: mqtt://127.0.0.1:1883
  devices:
    - id: aq-01
      type: air_quality
      topic: sensors/aq-01/state
      decoder: { type: json, fields: { pm25: pm2_5, pm10: pm10, temperature: env.temp }, time: ts }
      interval: 60s
      rules:
        - { metric: pm25, raise: 55.5, clear: 35.5, for: 120s, severity: warning }
    - { id: wl-07, type: water_level, topic: "sensors/+/level", decoder: number, metrics: { value: { unit: m, min: 0, max: 10 } } }
`;

function setup(yaml = ISSUE_YAML) {
  const cfg = parseConfigText(yaml, '/etc/ioc-edge/test.yaml', { env: {}, cwd: '/tmp' });
  const store = new Store(':memory:');
  const spool = new Spool(store, 1e9);
  const sink = new SpoolSink(spool, {
    precision: 'ms',
    defaultTags: prepareDefaultTags({ node: 'edge-01', site: 'binh-duong' }),
  });
  const ledger = new ArrivalLedger(store);
  sink.addParticipant(ledger);
  const rejected: RejectedMessage[] = [];
  const readings: string[] = [];
  const ingest = new SensorIngest(new DeviceRegistry(cfg.sensors), sink, ledger, cfg.sensors, {
    reject: (r) => rejected.push(r),
    reading: (d, m, v, t) => readings.push(`${d.id} ${m}=${v} @${t}`),
    seen: () => {},
  });
  const lines = () => {
    sink.commit();
    const b = newBatch();
    spool.read(0, Number.MAX_SAFE_INTEGER, 1000, b);
    return b.lines.slice(0, b.length);
  };
  return { cfg, store, sink, ingest, rejected, readings, lines, ledger };
}

describe('sensor ingest', () => {
  it('the issue config: one `sensor` point per message, at the payload time (epoch ms)', () => {
    const { cfg, ingest, lines, readings } = setup();
    expect(cfg.sensors.devices[0]!.interval).toBe(60_000);
    const now = 1714550060000;
    expect(
      ingest.handle(
        'sensors/aq-01/state',
        Buffer.from('{"pm2_5":35.5,"pm10":52,"env":{"temp":31.25},"ts":1714550000123}'),
        1,
        false,
        now,
      ),
    ).toBe(true);
    expect(lines()).toEqual([
      'sensor,device=aq-01,node=edge-01,site=binh-duong,type=air_quality pm25=35.5,pm10=52,temperature=31.25 1714550000123',
    ]);
    expect(readings).toEqual([
      'aq-01 pm25=35.5 @1714550000123',
      'aq-01 pm10=52 @1714550000123',
      'aq-01 temperature=31.25 @1714550000123',
    ]);
  });

  it('arrival times: strictly increasing per device, and a redelivery gets its first time back', () => {
    const { ingest, lines, store } = setup();
    const now = 1714550000000;
    ingest.handle('sensors/wl-07/level', Buffer.from('1.25'), 7, false, now);
    ingest.handle('sensors/wl-07/level', Buffer.from('1.26'), 8, false, now); // same millisecond
    expect(lines()).toEqual([
      'sensor,device=wl-07,node=edge-01,site=binh-duong,type=water_level value=1.25 1714550000000',
      'sensor,device=wl-07,node=edge-01,site=binh-duong,type=water_level value=1.26 1714550000001',
    ]);
    // A new process on the same store: message 8 comes again (DUP) after a crash, a new one follows.
    const again = new SensorIngest(
      new DeviceRegistry(parseConfigText(ISSUE_YAML, '/x.yaml', { env: {}, cwd: '/tmp' }).sensors),
      new SpoolSink(new Spool(store, 1e9), { precision: 'ms' }),
      new ArrivalLedger(store),
      setup().cfg.sensors,
      { reject: () => {}, reading: () => {}, seen: () => {} },
    );
    expect(again.handle('sensors/wl-07/level', Buffer.from('1.26'), 8, true, now + 5)).toBe(true);
    expect(again.redelivered).toBe(1);
    // Not a redelivery (other packet id): a new time, after the device's last one even though the clock says otherwise.
    again.handle('sensors/wl-07/level', Buffer.from('1.26'), 9, true, now - 1000);
    expect(again.redelivered).toBe(1);
  });

  it('rejects with a reason and keeps the valid metrics of a message with one out of range', () => {
    const { ingest, rejected, lines } = setup();
    const now = Date.now();
    ingest.handle('sensors/wl-07/level', Buffer.from('11'), 1, false, now);
    ingest.handle('sensors/aq-01/state', Buffer.from(`{"pm2_5":"35","ts":${now}}`), 2, false, now);
    ingest.handle('sensors/aq-01/state', Buffer.from(`{"pm2_5":35,"ts":${now + 3_600_000}}`), 3, false, now);
    ingest.handle('sensors/nobody/state', Buffer.from('{}'), 4, false, now);
    ingest.handle('sensors/aq-01/state', Buffer.alloc(70_000, 0x20), 5, false, now);
    expect(rejected.map((r) => [r.reason, r.device, r.detail])).toEqual([
      ['out_of_range', 'wl-07', 'value 11 outside [0, 10]'],
      ['not_a_number', 'aq-01', 'pm2_5 is the string "35", not a number'],
      [
        'time_skew',
        'aq-01',
        `time ${new Date(now + 3_600_000).toISOString()} is 3600 s ahead of the gateway clock`,
      ],
      ['unknown_device', null, 'no device in sensors.devices has this topic'],
      ['too_large', 'aq-01', '70000 bytes, limit 65536'],
    ]);
    expect(lines()).toEqual([]);
    expect(ingest.rejected).toBe(5);
  });

  it('skew: clamp moves a future time to now instead of rejecting', () => {
    const { ingest, lines } = setup(ISSUE_YAML.replace('  broker: mqtt', '  skew: clamp\n  broker: mqtt'));
    const now = 1714550000000;
    ingest.handle('sensors/aq-01/state', Buffer.from(`{"pm2_5":1,"ts":${now + 86_400_000}}`), 1, false, now);
    expect(lines()[0]).toMatch(/ 1714550000000$/);
  });
});
