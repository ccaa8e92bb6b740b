import sparkplug from 'sparkplug-payload';
import { describe, expect, it } from 'vitest';
import { configSchema } from '../../src/config/schema.js';
import { Decoded } from '../../src/sensors/decoders/decoded.js';
import { createDecoder } from '../../src/sensors/decoders/index.js';

const limits = { maxPayload: 65_536, maxJsonDepth: 32 };

function build(decoder: unknown) {
  const cfg = configSchema.parse({
    node: { id: 'n1', site: 's1' },
    sensors: { devices: [{ id: 'd1', type: 't', topic: 'x/d1', decoder }] },
  });
  return createDecoder(cfg.sensors.devices[0]!.decoder, limits);
}

/** The decoder a config entry builds, run on one payload: readings as [metric, value, timeMs|NaN]. */
function decode(decoder: unknown, payload: string | Buffer, d = build(decoder)) {
  const out = new Decoded();
  const ok = d.decode(typeof payload === 'string' ? Buffer.from(payload) : payload, out);
  const readings = Array.from({ length: out.n }, (_, i) => [out.metrics[i], out.values[i], out.times[i]]);
  return { ok, readings, reason: out.reason, detail: out.detail };
}

describe('json decoder', () => {
  const cfg = { type: 'json', fields: { pm25: 'pm2_5', pm10: 'pm10', temperature: 'env.temp' }, time: 'ts' };

  it('maps dot paths and takes the epoch-ms time field', () => {
    const r = decode(cfg, '{"pm2_5":35.5,"pm10":52,"env":{"temp":31.25,"rh":80},"ts":1714550000123}');
    expect(r).toMatchObject({ ok: true });
    expect(r.readings).toEqual([
      ['pm25', 35.5, 1714550000123],
      ['pm10', 52, 1714550000123],
      ['temperature', 31.25, 1714550000123],
    ]);
  });

  it('converts units with scale and offset, and reads s / ISO / arrival times', () => {
    const f = {
      type: 'json',
      fields: { temp_c: { path: 'tF', scale: 5 / 9, offset: -160 / 9 } },
      time: { path: 't', unit: 's' },
    };
    const r = decode(f, '{"tF":212,"t":1714550000}');
    expect(r.readings[0]![1]).toBeCloseTo(100, 10);
    expect(r.readings[0]![2]).toBe(1714550000000);
    expect(
      decode({ ...cfg, time: 'at' }, '{"pm2_5":1,"at":"2024-05-01T08:00:00+07:00"}').readings[0]![2],
    ).toBe(Date.UTC(2024, 4, 1, 1));
    expect(Number.isNaN(decode({ type: 'json' }, '{"level":1.5}').readings[0]![2])).toBe(true);
  });

  it('without a mapping takes every number at the top and one level below', () => {
    const r = decode({ type: 'json' }, '{"a":1,"name":"x","env":{"t":2,"deep":{"x":3}},"list":[4]}');
    expect(r.readings.map((x) => x[0])).toEqual(['a', 'env.t']);
  });

  it.each([
    ['{"pm2_5":"21.5","ts":1714550000123}', 'not_a_number', 'pm2_5 is the string "21.5", not a number'],
    ['{"pm2_5":true,"ts":1714550000123}', 'not_a_number', 'pm2_5 is a boolean, not a number'],
    ['{"pm2_5":1e999,"ts":1714550000123}', 'non_finite', 'pm2_5 is Infinity'],
    ['{"pm2_5":NaN,"ts":1714550000123}', 'invalid_json', ''],
    ['{"pm2_5":1', 'invalid_json', ''],
    ['[1,2]', 'invalid_payload', 'expected a JSON object'],
    ['{"pm2_5":1}', 'bad_time', 'no time at ts'],
    ['{"pm2_5":1,"ts":"yesterday"}', 'bad_time', 'ts is not a time: yesterday'],
    ['{"other":1,"ts":1714550000123}', 'no_metrics', 'none of the mapped fields'],
    [`${'['.repeat(40)}${']'.repeat(40)}`, 'too_deep', 'JSON nested deeper than 32 levels'],
  ])('refuses %s (%s)', (payload, reason, detail) => {
    const r = decode(cfg, payload);
    expect(r.ok).toBe(false);
    expect(r.reason).toBe(reason);
    expect(r.detail).toContain(detail);
  });

  it('refuses binary garbage without throwing', () => {
    const r = decode(cfg, Buffer.from([0xff, 0x00, 0x7b, 0x22, 0xc3]));
    expect(r).toMatchObject({ ok: false, reason: 'invalid_json' });
  });
});

describe('number, key=value and line-protocol decoders', () => {
  it('plain number', () => {
    expect(
      decode({ type: 'number', metric: 'level_m', scale: 0.01 }, ' 87.5\n').readings[0]!.slice(0, 2),
    ).toEqual(['level_m', 0.875]);
    expect(decode('number', 'NaN').reason).toBe('not_a_number');
    expect(decode('number', '1e999').reason).toBe('non_finite');
    expect(decode('number', '12,5').reason).toBe('not_a_number');
  });

  it('key=value text with separators, mapping and a time key', () => {
    const r = decode({ type: 'kv', time: 'ts' }, 'pm25=12.5,pm10=20; noise_db=61.2 ts=1714550000');
    expect(r.readings).toEqual([
      ['pm25', 12.5, 1714550000000],
      ['pm10', 20, 1714550000000],
      ['noise_db', 61.2, 1714550000000],
    ]);
    const m = decode({ type: 'kv', fields: { rain_mm: { path: 'r', scale: 0.2 } } }, 'r=3&batt=3.3');
    expect(m.readings.map((x) => x.slice(0, 2))).toEqual([['rain_mm', 0.6000000000000001]]);
    expect(decode({ type: 'kv' }, 'pm25=high').reason).toBe('not_a_number');
    expect(decode({ type: 'kv' }, 'just text').reason).toBe('invalid_payload');
  });

  it('InfluxDB line protocol: numeric fields of each line at its timestamp', () => {
    const r = decode(
      { type: 'influx', precision: 'ms' },
      'weather,station=a\\ b temp=21.5,hum=40i,ok=true,note="a, b" 1714550000000\nweather rain=0.2 1714550060000\n',
    );
    expect(r.readings).toEqual([
      ['temp', 21.5, 1714550000000],
      ['hum', 40, 1714550000000],
      ['rain', 0.2, 1714550060000],
    ]);
    expect(decode('influx', 'm v=1 1714550000000000000').readings[0]![2]).toBe(1714550000000);
    expect(decode('influx', 'm v=abc').reason).toBe('not_a_number');
    expect(decode('influx', 'garbage').reason).toBe('invalid_payload');
  });
});

describe('LoRaWAN network servers, Tasmota and Zigbee2MQTT', () => {
  it('ChirpStack v4 uplink event: decoded object at the uplink time', () => {
    const up = {
      deduplicationId: '3ac7e3c4-4401-4b8d-9386-a5c902f9202d',
      time: '2024-05-01T07:03:10.823500726+00:00',
      deviceInfo: {
        tenantId: '52f14cd4-c6f1-4fbd-8f87-4025e1d49242',
        tenantName: 'ChirpStack',
        applicationId: '17c82e96-be03-4f38-aef3-f83d48582d97',
        applicationName: 'flood',
        deviceProfileId: '14855bf7-d10d-4aee-b618-ebfcb64dc7ad',
        deviceProfileName: 'ultrasonic',
        deviceName: 'wl-01',
        devEui: '0004a30b001c0530',
        tags: {},
      },
      devAddr: '00189440',
      adr: true,
      dr: 5,
      fCnt: 10,
      fPort: 2,
      confirmed: false,
      data: 'AWQ=',
      object: { waterLevel: 1.23, battery: 3.6 },
      rxInfo: [
        { gatewayId: '0016c001f153a14c', uplinkId: 4217106255, rssi: -36, snr: 10.5, context: 'E3OWOQ==' },
      ],
      txInfo: {
        frequency: 923200000,
        modulation: { lora: { bandwidth: 125000, spreadingFactor: 7, codeRate: 'CR_4_5' } },
      },
    };
    const r = decode({ type: 'chirpstack', fields: { level_m: 'waterLevel' } }, JSON.stringify(up));
    expect(r.readings).toEqual([['level_m', 1.23, Date.UTC(2024, 4, 1, 7, 3, 10, 823)]]);
    expect(decode('chirpstack', JSON.stringify(up)).readings.map((x) => x[0])).toEqual([
      'waterLevel',
      'battery',
    ]);
    const { object: _o, ...noCodec } = up;
    expect(decode('chirpstack', JSON.stringify(noCodec))).toMatchObject({ ok: false, reason: 'no_metrics' });
    expect(decode('chirpstack', JSON.stringify(noCodec)).detail).toContain('payload codec');
  });

  it('The Things Stack v3 uplink: decoded_payload at received_at', () => {
    const up = {
      end_device_ids: {
        device_id: 'rain-07',
        application_ids: { application_id: 'flood' },
        dev_eui: '70B3D57ED005A1B2',
        join_eui: '0000000000000000',
        dev_addr: '260B1234',
      },
      correlation_ids: ['as:up:01HWQ3', 'rpc:/ttn.lorawan.v3.GsNs/HandleUplink:01HWQ3'],
      received_at: '2024-05-01T07:03:10.123456789Z',
      uplink_message: {
        session_key_id: 'AXBSH1Pk6Z0G166BXLXqxQ==',
        f_port: 1,
        f_cnt: 1234,
        frm_payload: 'AQI=',
        decoded_payload: { rain_mm: 2.4, battery_v: 3.61 },
        rx_metadata: [{ gateway_ids: { gateway_id: 'gw-1' }, rssi: -98, channel_rssi: -98, snr: 7.25 }],
        settings: { data_rate: { lora: { bandwidth: 125000, spreading_factor: 7 } }, frequency: '923200000' },
        received_at: '2024-05-01T07:03:10.100Z',
        consumed_airtime: '0.061696s',
      },
    };
    const r = decode('ttn', JSON.stringify(up));
    expect(r.readings).toEqual([
      ['rain_mm', 2.4, Date.UTC(2024, 4, 1, 7, 3, 10, 123)],
      ['battery_v', 3.61, Date.UTC(2024, 4, 1, 7, 3, 10, 123)],
    ]);
    const noFormatter = { ...up, uplink_message: { ...up.uplink_message, decoded_payload: undefined } };
    expect(decode('ttn', JSON.stringify(noFormatter)).detail).toContain('payload formatter');
  });

  it('Tasmota SENSOR: nested sensors, local Time read in the configured zone', () => {
    const tele =
      '{"Time":"2024-05-01T14:03:10","BME280":{"Temperature":31.2,"Humidity":74.1,"DewPoint":26.0,"Pressure":1008.3},"SDS0X1":{"PM2.5":12.1,"PM10":20.4},"PressureUnit":"hPa","TempUnit":"C"}';
    const at = Date.UTC(2024, 4, 1, 7, 3, 10);
    const all = decode({ type: 'tasmota', timeZone: 'Asia/Ho_Chi_Minh' }, tele);
    expect(all.readings.map((x) => x[0])).toEqual([
      'BME280.Temperature',
      'BME280.Humidity',
      'BME280.DewPoint',
      'BME280.Pressure',
      'SDS0X1.PM2.5',
      'SDS0X1.PM10',
    ]);
    expect(all.readings.every((x) => x[2] === at)).toBe(true);
    const mapped = decode(
      {
        type: 'tasmota',
        timeZone: '+07:00',
        fields: { pm25: ['SDS0X1', 'PM2.5'], temperature: 'BME280.Temperature' },
      },
      tele,
    );
    expect(mapped.readings).toEqual([
      ['pm25', 12.1, at],
      ['temperature', 31.2, at],
    ]);
    // Default zone UTC.
    expect(decode('tasmota', tele).readings[0]![2]).toBe(Date.UTC(2024, 4, 1, 14, 3, 10));
  });

  it('Tasmota in a zone with daylight saving time', () => {
    const tele = (t: string) => `{"Time":"${t}","DS18B20":{"Temperature":5}}`;
    const cfg = { type: 'tasmota', timeZone: 'Europe/Amsterdam' };
    expect(decode(cfg, tele('2024-01-15T12:00:00')).readings[0]![2]).toBe(Date.UTC(2024, 0, 15, 11));
    expect(decode(cfg, tele('2024-07-15T12:00:00')).readings[0]![2]).toBe(Date.UTC(2024, 6, 15, 10));
  });

  it('Zigbee2MQTT: flat JSON, booleans as 1/0, last_seen when present', () => {
    const state =
      '{"battery":100,"linkquality":87,"temperature":29.41,"humidity":71.2,"voltage":3015,"water_leak":false,"last_seen":"2024-05-01T14:03:10+07:00"}';
    const r = decode('zigbee2mqtt', state);
    expect(r.readings.map((x) => x.slice(0, 2))).toEqual([
      ['battery', 100],
      ['linkquality', 87],
      ['temperature', 29.41],
      ['humidity', 71.2],
      ['voltage', 3015],
      ['water_leak', 0],
    ]);
    expect(r.readings[0]![2]).toBe(Date.UTC(2024, 4, 1, 7, 3, 10));
    expect(Number.isNaN(decode('zigbee2mqtt', '{"temperature":20}').readings[0]![2])).toBe(true);
  });
});

describe('Sparkplug B', () => {
  const sp = sparkplug.get('spBv1.0')!;
  const T = 1714550000123;

  it('DBIRTH names the aliases that DDATA then uses; Int64 and booleans become numbers', () => {
    const d = build({
      type: 'sparkplug',
      fields: { level_m: 'Inputs/Level', pump: 'Outputs/Pump', count: 'Counter' },
    });
    const birth = sp.encodePayload({
      timestamp: T,
      seq: 0,
      metrics: [
        { name: 'Inputs/Level', alias: 1, type: 'Double', value: 1.23 },
        { name: 'Outputs/Pump', alias: 2, type: 'Boolean', value: true },
        { name: 'Counter', alias: 3, type: 'Int64', value: 42 },
        { name: 'Label', alias: 4, type: 'String', value: 'north' },
      ],
    });
    expect(decode(null, Buffer.from(birth), d).readings).toEqual([
      ['level_m', 1.23, T],
      ['pump', 1, T],
      ['count', 42, T],
    ]);
    const data = sp.encodePayload({
      timestamp: T + 1000,
      seq: 1,
      metrics: [
        { alias: 1, type: 'Double', value: 1.31, timestamp: T + 900 },
        { alias: 2, type: 'Boolean', value: false },
      ],
    });
    expect(decode(null, Buffer.from(data), d).readings).toEqual([
      ['level_m', 1.31, T + 900],
      ['pump', 0, T + 1000],
    ]);
  });

  it('refuses what is not a Sparkplug payload, and DATA whose aliases no BIRTH named', () => {
    expect(decode('sparkplug', '{"json":true}')).toMatchObject({ ok: false, reason: 'invalid_payload' });
    const data = sp.encodePayload({ timestamp: T, metrics: [{ alias: 9, type: 'Double', value: 1 }] });
    expect(decode('sparkplug', Buffer.from(data))).toMatchObject({ ok: false, reason: 'no_metrics' });
  });
});
