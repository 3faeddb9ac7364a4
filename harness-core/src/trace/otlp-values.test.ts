import { describe, expect, it } from 'vitest';
import {
  decodeAnyValue,
  decodeInteger,
  decodeOtlpId,
  decodeSpanKind,
  decodeStatusCode,
  decodeUnixNanos,
  encodeAnyValue,
  encodeDouble,
} from './otlp-values.ts';

describe('encodeAnyValue', () => {
  it('writes canonical protojson: int64 as strings, doubles as numbers, nested values', () => {
    expect(encodeAnyValue(42)).toEqual({ intValue: '42' });
    expect(encodeAnyValue(0.5)).toEqual({ doubleValue: 0.5 });
    expect(encodeAnyValue(2 ** 60)).toEqual({ doubleValue: 2 ** 60 });
    expect(encodeAnyValue(123n)).toEqual({ intValue: '123' });
    expect(encodeAnyValue(Number.NaN)).toEqual({ doubleValue: 'NaN' });
    expect(encodeAnyValue(Number.NEGATIVE_INFINITY)).toEqual({ doubleValue: '-Infinity' });
    expect(encodeAnyValue(true)).toEqual({ boolValue: true });
    expect(encodeAnyValue(null)).toEqual({});
    expect(encodeAnyValue(undefined)).toBeUndefined();
    expect(encodeAnyValue({ a: ['x', 1] })).toEqual({
      kvlistValue: {
        values: [{ key: 'a', value: { arrayValue: { values: [{ stringValue: 'x' }, { intValue: '1' }] } } }],
      },
    });
  });

  it('encodes a double-typed integral number as doubleValue', () => {
    expect(encodeDouble(1)).toEqual({ doubleValue: 1 });
  });

  it('round-trips through decodeAnyValue', () => {
    const value = { text: 'hé', count: 7, ratio: 0.25, flag: false, list: ['a', null, { deep: 1 }] };
    expect(decodeAnyValue(encodeAnyValue(value))).toEqual(value);
  });
});

describe('decodeAnyValue (liberal)', () => {
  it('accepts intValue as string, number, bigint or protobufjs Long, and keeps 64-bit values exact', () => {
    expect(decodeAnyValue({ intValue: '12' })).toBe(12);
    expect(decodeAnyValue({ intValue: 12 })).toBe(12);
    expect(decodeAnyValue({ intValue: '18446744073709551615' })).toBe('18446744073709551615');
    expect(decodeAnyValue({ intValue: 1152921504606846977n })).toBe('1152921504606846977');
    expect(decodeAnyValue({ intValue: { low: 1, high: 1, unsigned: false } })).toBe(4294967297);
    expect(decodeAnyValue({ intValue: { low: -1, high: -1 } })).toBe(-1);
  });

  it('accepts snake_case fields, doubles as strings, bytes and empty values', () => {
    expect(decodeAnyValue({ string_value: 'x' })).toBe('x');
    expect(decodeAnyValue({ doubleValue: '2.5' })).toBe(2.5);
    expect(decodeAnyValue({ doubleValue: 'Infinity' })).toBe(Number.POSITIVE_INFINITY);
    expect(decodeAnyValue({ boolValue: 'true' })).toBe(true);
    expect(decodeAnyValue({ bytesValue: 'AAEC' })).toBe('AAEC');
    expect(decodeAnyValue({})).toBeNull();
    expect(decodeAnyValue({ arrayValue: {} })).toEqual([]);
  });

  it('rejects what is not an AnyValue', () => {
    expect(decodeAnyValue('x')).toBeUndefined();
    expect(decodeAnyValue({ stringValue: 3 })).toBeUndefined();
    expect(decodeAnyValue({ intValue: '1.5' })).toBeUndefined();
    expect(decodeAnyValue({ somethingElse: 1 })).toBeUndefined();
    expect(decodeAnyValue({ arrayValue: { values: [{ bogus: 1 }] } })).toBeUndefined();
  });

  it('never lets a __proto__ key rewire a prototype', () => {
    const decoded = decodeAnyValue({
      kvlistValue: {
        values: [
          {
            key: '__proto__',
            value: { kvlistValue: { values: [{ key: 'polluted', value: { boolValue: true } }] } },
          },
        ],
      },
    }) as Record<string, unknown>;
    expect(Object.getPrototypeOf(decoded)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    expect(Object.keys(decoded)).toEqual(['__proto__']);
  });
});

describe('integers and timestamps', () => {
  it('decodes nanosecond timestamps exactly, never through a lossy Number', () => {
    expect(decodeUnixNanos('1767225600000000001')).toBe('1767225600000000001');
    expect(decodeUnixNanos(1767225600000000001n)).toBe('1767225600000000001');
    expect(decodeUnixNanos('007')).toBe('7');
    expect(decodeUnixNanos(1700)).toBe('1700');
    expect(decodeUnixNanos('-5')).toBeUndefined();
    expect(decodeUnixNanos('soon')).toBeUndefined();
  });

  it('gives numbers within 2^53 and exact strings beyond', () => {
    expect(decodeInteger('9007199254740991')).toBe(9007199254740991);
    expect(decodeInteger('9007199254740993')).toBe('9007199254740993');
    expect(decodeInteger('-9223372036854775808')).toBe('-9223372036854775808');
  });
});

describe('ids and enums', () => {
  it('normalises hex and base64 ids to lower-case hex', () => {
    expect(decodeOtlpId('0AF7651916CD43DD8448EB211C80319C', 16)).toBe('0af7651916cd43dd8448eb211c80319c');
    expect(decodeOtlpId('CvdlGRbNQ92ESOshHIAxnA==', 16)).toBe('0af7651916cd43dd8448eb211c80319c');
    expect(decodeOtlpId('APBnqgupArc=', 8)).toBe('00f067aa0ba902b7');
    expect(decodeOtlpId('APBnqgupArc', 8)).toBe('00f067aa0ba902b7');
    expect(decodeOtlpId({ type: 'Buffer', data: [0, 240, 103, 170, 11, 169, 2, 183] }, 8)).toBe(
      '00f067aa0ba902b7',
    );
    expect(decodeOtlpId('abc', 8)).toBeUndefined();
    expect(decodeOtlpId('CvdlGRbNQ92ESOshHIAxnA==', 8)).toBeUndefined();
  });

  it('reads span kind and status code as numbers or enum names', () => {
    expect(decodeSpanKind('SPAN_KIND_CLIENT')).toBe(3);
    expect(decodeSpanKind('internal')).toBe(1);
    expect(decodeSpanKind(2)).toBe(2);
    expect(decodeSpanKind('bogus')).toBe(0);
    expect(decodeStatusCode('STATUS_CODE_ERROR')).toBe(2);
    expect(decodeStatusCode('Ok')).toBe(1);
    expect(decodeStatusCode(2)).toBe(2);
    expect(decodeStatusCode(undefined)).toBe(0);
  });
});
