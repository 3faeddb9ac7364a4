/**
 * `OtlpSpanRecord`: one span, decoded liberally from whatever JSON an exporter wrote, with ids
 * as lower-case hex, timestamps as exact decimal strings, kind and status as numbers and
 * attributes decoded to plain values. Protojson omits fields holding their default value, so a
 * missing timestamp, kind, status or parent is read as that default; a present but malformed
 * field is reported with its path.
 */
import {
  type AttributeValue,
  decodeAnyValue,
  decodeInteger,
  decodeOtlpId,
  decodeSpanKind,
  decodeStatusCode,
  decodeUnixNanos,
  isPlainObject,
  isZeroId,
  type RoundingReport,
  readField,
} from './otlp-values.ts';

export type AttributeMap = Map<string, AttributeValue>;

export interface SpanEventRecord {
  name: string;
  timeUnixNano: string;
  attributes: AttributeMap;
}

/** The resource a span was reported under (shared by all its spans). */
export interface SpanResource {
  attributes: AttributeMap;
}

export interface OtlpSpanRecord {
  traceId: string;
  spanId: string;
  /** Undefined for a root span (parent missing, empty, null or all zeros). */
  parentSpanId: string | undefined;
  name: string;
  kind: number;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  attributes: AttributeMap;
  events: SpanEventRecord[];
  status: { code: number; message?: string };
  resource: SpanResource | undefined;
  /** Where the span sits in its file, e.g. `resourceSpans[0].scopeSpans[1].spans[3]`. */
  path: string;
  /** Position in reading order, used to break ties between equal start times. */
  order: number;
}

/** Something in the input that could not be used, and why. */
export interface TraceReadIssue {
  path: string;
  reason: string;
  traceId?: string;
  spanId?: string;
}

/** Where decoding reports what it could not use, and whether any number may have been rounded. */
export interface SpanDecodeContext {
  issues: TraceReadIssue[];
  rounding?: RoundingReport;
}

/** Decodes an OTLP attribute list (or, liberally, a plain `{key: value}` object). */
export function decodeAttributes(raw: unknown, path: string, context: SpanDecodeContext): AttributeMap {
  const out: AttributeMap = new Map();
  if (raw === undefined || raw === null) return out;
  if (Array.isArray(raw)) {
    for (let index = 0; index < raw.length; index++) {
      const entry: unknown = raw[index];
      if (!isPlainObject(entry) || typeof entry['key'] !== 'string') {
        context.issues.push({ path: `${path}[${index}]`, reason: 'expected an attribute {key, value}' });
        continue;
      }
      const value = entry['value'] === undefined ? null : decodeAnyValue(entry['value'], context.rounding);
      if (value === undefined) {
        context.issues.push({
          path: `${path}[${index}].value`,
          reason: `attribute "${entry['key']}": expected an OTLP AnyValue`,
        });
        continue;
      }
      out.set(entry['key'], value);
    }
    return out;
  }
  if (isPlainObject(raw)) {
    for (const key of Object.keys(raw)) out.set(key, plainAttribute(raw[key], context.rounding));
    return out;
  }
  context.issues.push({ path, reason: 'expected an array of attributes' });
  return out;
}

/** A value of a plain `{key: value}` attribute map (not OTLP, but some exporters write it). */
function plainAttribute(value: unknown, rounding: RoundingReport | undefined): AttributeValue {
  if (value === undefined || value === null) return null;
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'number') return decodeInteger(value, rounding) ?? value;
  return value as AttributeValue;
}

function decodeParent(raw: unknown): string | undefined | false {
  if (raw === undefined || raw === null || raw === '') return undefined;
  const id = decodeOtlpId(raw, 8);
  if (id === undefined) return false;
  return isZeroId(id) ? undefined : id;
}

function decodeTime(raw: unknown, path: string, context: SpanDecodeContext): string {
  if (raw === undefined || raw === null) return '0';
  const nanos = decodeUnixNanos(raw, context.rounding);
  if (nanos !== undefined) return nanos;
  context.issues.push({ path, reason: 'expected a non-negative integer of nanoseconds (string or number)' });
  return '0';
}

function decodeEvents(raw: unknown, path: string, context: SpanDecodeContext): SpanEventRecord[] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) {
    context.issues.push({ path, reason: 'expected an array of span events' });
    return [];
  }
  const out: SpanEventRecord[] = [];
  for (let index = 0; index < raw.length; index++) {
    const event: unknown = raw[index];
    const at = `${path}[${index}]`;
    if (!isPlainObject(event)) {
      context.issues.push({ path: at, reason: 'expected a span event object' });
      continue;
    }
    out.push({
      name: typeof event['name'] === 'string' ? event['name'] : '',
      timeUnixNano: decodeTime(
        readField(event, 'timeUnixNano', 'time_unix_nano'),
        `${at}.timeUnixNano`,
        context,
      ),
      attributes: decodeAttributes(event['attributes'], `${at}.attributes`, context),
    });
  }
  return out;
}

/**
 * Decodes one span. Returns `undefined` (with an issue) when the span has no usable trace or
 * span id; smaller faults are reported and the span is kept.
 */
export function decodeSpan(
  raw: unknown,
  path: string,
  order: number,
  resource: SpanResource | undefined,
  context: SpanDecodeContext,
): OtlpSpanRecord | undefined {
  const issues = context.issues;
  if (!isPlainObject(raw)) {
    issues.push({ path, reason: 'expected a span object' });
    return undefined;
  }
  const traceId = decodeOtlpId(readField(raw, 'traceId', 'trace_id'), 16);
  if (traceId === undefined || isZeroId(traceId)) {
    issues.push({
      path: `${path}.traceId`,
      reason: 'expected a non-zero trace id: 32 hex digits or base64 of 16 bytes',
    });
    return undefined;
  }
  const spanId = decodeOtlpId(readField(raw, 'spanId', 'span_id'), 8);
  if (spanId === undefined || isZeroId(spanId)) {
    issues.push({
      path: `${path}.spanId`,
      traceId,
      reason: 'expected a non-zero span id: 16 hex digits or base64 of 8 bytes',
    });
    return undefined;
  }
  let parentSpanId = decodeParent(readField(raw, 'parentSpanId', 'parent_span_id'));
  if (parentSpanId === false) {
    issues.push({
      path: `${path}.parentSpanId`,
      traceId,
      spanId,
      reason: 'expected 16 hex digits or base64 of 8 bytes; span read as a root',
    });
    parentSpanId = undefined;
  }
  const rawStatus = raw['status'];
  const status: OtlpSpanRecord['status'] = { code: 0 };
  if (isPlainObject(rawStatus)) {
    status.code = decodeStatusCode(rawStatus['code']);
    if (typeof rawStatus['message'] === 'string') status.message = rawStatus['message'];
  }
  return {
    traceId,
    spanId,
    parentSpanId,
    name: typeof raw['name'] === 'string' ? raw['name'] : '',
    kind: decodeSpanKind(raw['kind']),
    startTimeUnixNano: decodeTime(
      readField(raw, 'startTimeUnixNano', 'start_time_unix_nano'),
      `${path}.startTimeUnixNano`,
      context,
    ),
    endTimeUnixNano: decodeTime(
      readField(raw, 'endTimeUnixNano', 'end_time_unix_nano'),
      `${path}.endTimeUnixNano`,
      context,
    ),
    attributes: decodeAttributes(raw['attributes'], `${path}.attributes`, context),
    events: decodeEvents(raw['events'], `${path}.events`, context),
    status,
    resource,
    path,
    order,
  };
}

/** Decodes a `resource` object to its attributes. */
export function decodeResource(raw: unknown, path: string, context: SpanDecodeContext): SpanResource {
  if (!isPlainObject(raw)) return { attributes: new Map() };
  return { attributes: decodeAttributes(raw['attributes'], `${path}.attributes`, context) };
}
