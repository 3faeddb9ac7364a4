/**
 * OTLP/JSON value codecs. Encoding writes canonical protojson; decoding is liberal, because real
 * exporters disagree: ids as hex, base64 or byte buffers, 64-bit integers as strings, numbers,
 * bigints or protobufjs `{low, high}` longs, enum fields as numbers or names, and snake_case field
 * names. Integers beyond 2^53 never pass through a lossy `Number`.
 */
import type { OtlpAnyValue, OtlpKeyValue } from './otlp-types.ts';

/** A decoded attribute value. 64-bit integers beyond 2^53 are kept as exact decimal strings. */
export type AttributeValue = string | number | boolean | null | AttributeValue[] | AttributeObject;
export interface AttributeObject {
  [key: string]: AttributeValue;
}

/** Defines an own property, so that a `__proto__` key from a document never rewires a prototype. */
export function setOwnProperty(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') {
    Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  } else {
    target[key] = value;
  }
}

// ---------------------------------------------------------------- encoding

/** Encodes a JS value as an `AnyValue`; `undefined` (and functions, symbols) give `undefined`. */
export function encodeAnyValue(value: unknown): OtlpAnyValue | undefined {
  switch (typeof value) {
    case 'string':
      return { stringValue: value };
    case 'boolean':
      return { boolValue: value };
    case 'number':
      return encodeNumber(value);
    case 'bigint':
      return { intValue: value.toString() };
    case 'object': {
      // protojson has no null; an AnyValue with no field set is its closest encoding.
      if (value === null) return {} as OtlpAnyValue;
      if (Array.isArray(value)) {
        const values: OtlpAnyValue[] = [];
        for (const item of value) values.push(encodeAnyValue(item) ?? ({} as OtlpAnyValue));
        return { arrayValue: { values } };
      }
      return { kvlistValue: { values: encodeAttributes(value as Record<string, unknown>) } };
    }
    default:
      return undefined;
  }
}

function encodeNumber(value: number): OtlpAnyValue {
  if (Number.isSafeInteger(value) && !Object.is(value, -0)) return { intValue: String(value) };
  if (Number.isNaN(value)) return { doubleValue: 'NaN' };
  if (value === Number.POSITIVE_INFINITY) return { doubleValue: 'Infinity' };
  if (value === Number.NEGATIVE_INFINITY) return { doubleValue: '-Infinity' };
  return { doubleValue: value };
}

/** Encodes a number that the conventions type as `double`, integral or not. */
export function encodeDouble(value: number): OtlpAnyValue {
  const encoded = encodeNumber(value);
  return 'intValue' in encoded ? { doubleValue: value } : encoded;
}

/** Encodes a record as OTLP key-values, skipping `undefined` entries. */
export function encodeAttributes(record: Record<string, unknown>): OtlpKeyValue[] {
  const out: OtlpKeyValue[] = [];
  for (const key of Object.keys(record)) {
    const value = encodeAnyValue(record[key]);
    if (value !== undefined) out.push({ key, value });
  }
  return out;
}

// ---------------------------------------------------------------- decoding

/**
 * Set by the decoders when an integer arrived as a JSON number beyond 2^53, which `JSON.parse`
 * may already have rounded: the caller can then read the text again with the exact tokenizer.
 */
export interface RoundingReport {
  rounded: boolean;
}

function noteRounding(raw: unknown, report: RoundingReport | undefined): void {
  if (
    report !== undefined &&
    typeof raw === 'number' &&
    !Number.isSafeInteger(raw) &&
    Number.isInteger(raw)
  ) {
    report.rounded = true;
  }
}

/** Reads `camelName` or, failing that, the proto field's original snake_case name. */
export function readField(object: Record<string, unknown>, camelName: string, snakeName?: string): unknown {
  const value = object[camelName];
  if (value !== undefined || snakeName === undefined) return value;
  return object[snakeName];
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Decodes an `AnyValue`. Returns `undefined` when `raw` is not an AnyValue at all, so the caller can
 * report it; an AnyValue with no field set decodes to `null`.
 */
export function decodeAnyValue(raw: unknown, report?: RoundingReport): AttributeValue | undefined {
  if (!isPlainObject(raw)) return undefined;
  const stringValue = readField(raw, 'stringValue', 'string_value');
  if (stringValue !== undefined) return typeof stringValue === 'string' ? stringValue : undefined;
  const boolValue = readField(raw, 'boolValue', 'bool_value');
  if (boolValue !== undefined) return decodeBool(boolValue);
  const intValue = readField(raw, 'intValue', 'int_value');
  if (intValue !== undefined) return decodeInteger(intValue, report);
  const doubleValue = readField(raw, 'doubleValue', 'double_value');
  if (doubleValue !== undefined) return decodeDouble(doubleValue);
  const arrayValue = readField(raw, 'arrayValue', 'array_value');
  if (arrayValue !== undefined) return decodeArrayValue(arrayValue, report);
  const kvlistValue = readField(raw, 'kvlistValue', 'kvlist_value');
  if (kvlistValue !== undefined) return decodeKvlistValue(kvlistValue, report);
  const bytesValue = readField(raw, 'bytesValue', 'bytes_value');
  if (bytesValue !== undefined) return typeof bytesValue === 'string' ? bytesValue : undefined;
  return Object.keys(raw).length === 0 ? null : undefined;
}

function decodeBool(raw: unknown): boolean | undefined {
  if (typeof raw === 'boolean') return raw;
  if (raw === 'true') return true;
  if (raw === 'false') return false;
  return undefined;
}

function decodeDouble(raw: unknown): number | undefined {
  if (typeof raw === 'number') return raw;
  if (typeof raw === 'bigint') return Number(raw);
  if (typeof raw === 'string' && raw.trim() !== '') {
    const parsed = Number(raw);
    if (!Number.isNaN(parsed) || raw === 'NaN') return parsed;
  }
  return undefined;
}

function decodeArrayValue(raw: unknown, report: RoundingReport | undefined): AttributeValue[] | undefined {
  if (!isPlainObject(raw)) return raw === null ? [] : undefined;
  const values = raw['values'] ?? [];
  if (!Array.isArray(values)) return undefined;
  const out: AttributeValue[] = [];
  for (const item of values) {
    const decoded = decodeAnyValue(item, report);
    if (decoded === undefined) return undefined;
    out.push(decoded);
  }
  return out;
}

function decodeKvlistValue(raw: unknown, report: RoundingReport | undefined): AttributeObject | undefined {
  if (!isPlainObject(raw)) return raw === null ? {} : undefined;
  const values = raw['values'] ?? [];
  if (!Array.isArray(values)) return undefined;
  const out: AttributeObject = {};
  for (const entry of values) {
    if (!isPlainObject(entry) || typeof entry['key'] !== 'string') return undefined;
    const decoded = entry['value'] === undefined ? null : decodeAnyValue(entry['value'], report);
    if (decoded === undefined) return undefined;
    setOwnProperty(out, entry['key'], decoded);
  }
  return out;
}

const DECIMAL_INTEGER = /^[+-]?\d+$/;

/** Parses a 64-bit integer in any of its encodings to a `bigint`, or `undefined`. */
export function parseInt64(raw: unknown): bigint | undefined {
  if (typeof raw === 'bigint') return raw;
  if (typeof raw === 'number') return Number.isFinite(raw) ? BigInt(Math.trunc(raw)) : undefined;
  if (typeof raw === 'string') return DECIMAL_INTEGER.test(raw.trim()) ? BigInt(raw.trim()) : undefined;
  if (isPlainObject(raw) && typeof raw['low'] === 'number' && typeof raw['high'] === 'number') {
    // protobufjs Long: two 32-bit halves, signed unless `unsigned` is set.
    const combined = (BigInt(raw['high'] >>> 0) << 32n) | BigInt(raw['low'] >>> 0);
    return raw['unsigned'] === true ? combined : BigInt.asIntN(64, combined);
  }
  return undefined;
}

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);
const MIN_SAFE = BigInt(Number.MIN_SAFE_INTEGER);

/** An integer as a `number` when exact, else as its exact decimal string. */
export function decodeInteger(raw: unknown, report?: RoundingReport): number | string | undefined {
  if (typeof raw === 'number' && Number.isSafeInteger(raw)) return raw;
  noteRounding(raw, report);
  const parsed = parseInt64(raw);
  if (parsed === undefined) return undefined;
  return parsed <= MAX_SAFE && parsed >= MIN_SAFE ? Number(parsed) : parsed.toString();
}

/** A nanosecond timestamp as an exact, non-negative decimal string (`undefined` when unreadable). */
export function decodeUnixNanos(raw: unknown, report?: RoundingReport): string | undefined {
  if (typeof raw === 'string' && /^\d+$/.test(raw)) {
    return raw.length > 1 ? raw.replace(/^0+(?=\d)/, '') : raw;
  }
  noteRounding(raw, report);
  const parsed = parseInt64(raw);
  return parsed === undefined || parsed < 0n ? undefined : parsed.toString();
}

// ---------------------------------------------------------------- ids

const HEX_DIGITS = /^[0-9a-fA-F]+$/;
const BASE64_TEXT = /^[A-Za-z0-9+/_-]+={0,2}$/;

/**
 * Normalises a trace id (16 bytes) or span id (8 bytes) to lower-case hex. Accepts hex, base64
 * (standard or URL alphabet), and `{type:'Buffer', data:[...]}` byte arrays.
 */
export function decodeOtlpId(raw: unknown, byteLength: 8 | 16): string | undefined {
  if (typeof raw === 'string') {
    if (raw.length === byteLength * 2 && HEX_DIGITS.test(raw)) return raw.toLowerCase();
    if (BASE64_TEXT.test(raw)) {
      const bytes = Buffer.from(raw.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
      if (bytes.length === byteLength) return bytes.toString('hex');
    }
    return undefined;
  }
  if (isPlainObject(raw) && Array.isArray(raw['data'])) {
    const data = raw['data'];
    if (data.length === byteLength && data.every((b) => Number.isInteger(b) && b >= 0 && b < 256)) {
      return Buffer.from(data as number[]).toString('hex');
    }
  }
  return undefined;
}

/** True for the all-zero id that OTLP uses to mean "no parent". */
export function isZeroId(id: string): boolean {
  return /^0+$/.test(id);
}

// ---------------------------------------------------------------- enums

const SPAN_KIND_BY_NAME: Record<string, number> = {
  UNSPECIFIED: 0,
  INTERNAL: 1,
  SERVER: 2,
  CLIENT: 3,
  PRODUCER: 4,
  CONSUMER: 5,
};

/** Span kind as its number; accepts numbers and `SPAN_KIND_CLIENT`, `CLIENT` or `client`. */
export function decodeSpanKind(raw: unknown): number {
  if (typeof raw === 'number' && Number.isInteger(raw) && raw >= 0 && raw <= 5) return raw;
  if (typeof raw === 'string') {
    const name = raw.toUpperCase().replace(/^SPAN_KIND_/, '');
    return SPAN_KIND_BY_NAME[name] ?? 0;
  }
  return 0;
}

const STATUS_CODE_BY_NAME: Record<string, number> = { UNSET: 0, OK: 1, ERROR: 2 };

/** Status code as its number; accepts numbers and `STATUS_CODE_ERROR`, `ERROR` or `error`. */
export function decodeStatusCode(raw: unknown): number {
  if (typeof raw === 'number' && Number.isInteger(raw) && raw >= 0 && raw <= 2) return raw;
  if (typeof raw === 'string') {
    const name = raw.toUpperCase().replace(/^STATUS_CODE_/, '');
    return STATUS_CODE_BY_NAME[name] ?? 0;
  }
  return 0;
}
