import { describe, expect, it } from 'vitest';
import {
  encodeLine,
  formatTime,
  PointError,
  prepareDefaultTags,
} from '../../src/timeseries/line-protocol.js';
import { int } from '../../src/timeseries/point.js';

const ms = { precision: 'ms' as const };

describe('line protocol', () => {
  it('encodes types: floats, integers (bigint), booleans, strings', () => {
    expect(
      encodeLine(
        {
          measurement: 'm',
          fields: { f: 1, g: 2.5, i: int(3), n: -7n, b: true, c: false, s: 'x' },
          time: 1000,
        },
        0,
        ms,
      ),
    ).toBe('m f=1,g=2.5,i=3i,n=-7i,b=true,c=false,s="x" 1000');
  });

  it('formats floats in a form InfluxDB parses and leaves out missing and non-finite values', () => {
    expect(
      encodeLine(
        {
          measurement: 'm',
          fields: { a: 1e21, b: 5e-7, c: Number.NaN, d: undefined, e: null, f: -0 },
          time: 1,
        },
        0,
        ms,
      ),
    ).toBe('m a=1e+21,b=5e-7,f=0 1');
  });

  it('escapes measurement, tag keys and values, field keys and string values', () => {
    const line = encodeLine(
      {
        measurement: 'my meas,x=1',
        tags: { 'tag key': 'a,b=c d', place: 'Bình Dương' },
        fields: { 'field,key=1 x': 'say "hi" \\ there', n: 1 },
        time: 5,
      },
      0,
      ms,
    );
    expect(line).toBe(
      'my\\ meas\\,x=1,place=Bình\\ Dương,tag\\ key=a\\,b\\=c\\ d field\\,key\\=1\\ x="say \\"hi\\" \\\\ there",n=1 5',
    );
  });

  it('sorts tags, leaves out empty ones and merges default tags (the point wins)', () => {
    const defaultTags = prepareDefaultTags({ site: 'bd', node: 'n1' });
    expect(
      encodeLine(
        { measurement: 'm', tags: { z: '1', site: 'other', a: '', camera: 'c1' }, fields: { v: 1 }, time: 0 },
        0,
        { precision: 'ms', defaultTags },
      ),
    ).toBe('m,camera=c1,node=n1,site=other,z=1 v=1 0');
    expect(
      encodeLine({ measurement: 'm', tags: { node: undefined }, fields: { v: 1 }, time: 0 }, 0, {
        precision: 'ms',
        defaultTags,
      }),
    ).toBe('m,node=n1,site=bd v=1 0');
  });

  it('formats timestamps at every precision from ms numbers and ns bigints', () => {
    expect(formatTime(1700000000123, 'ns')).toBe('1700000000123000000');
    expect(formatTime(1700000000123.5, 'ns')).toBe('1700000000123500000');
    expect(formatTime(1700000000123, 'us')).toBe('1700000000123000');
    expect(formatTime(1700000000123, 's')).toBe('1700000000');
    expect(formatTime(1700000000123456789n, 'ns')).toBe('1700000000123456789');
    expect(formatTime(1700000000123456789n, 'ms')).toBe('1700000000123');
    expect(formatTime(-1n, 's')).toBe('-1');
    expect(encodeLine({ measurement: 'm', fields: { v: 1 } }, 42, ms)).toBe('m v=1 42');
  });

  it('refuses points that cannot be written, naming the measurement and key', () => {
    expect(() => encodeLine({ measurement: 'm', fields: {} }, 0, ms)).toThrow(/m: no field/);
    expect(() => encodeLine({ measurement: 'm', fields: { v: Number.NaN } }, 0, ms)).toThrow(PointError);
    expect(() => encodeLine({ measurement: 'm', tags: { t: 'a\nb' }, fields: { v: 1 } }, 0, ms)).toThrow(
      /tag t .* line break/,
    );
    expect(() => encodeLine({ measurement: 'm', tags: { t: 'a\\' }, fields: { v: 1 } }, 0, ms)).toThrow(
      /backslash/,
    );
    expect(() => encodeLine({ measurement: 'm', fields: { v: 2n ** 63n } }, 0, ms)).toThrow(/int64/);
    expect(() => encodeLine({ measurement: '', fields: { v: 1 } }, 0, ms)).toThrow(/measurement/);
  });
});
