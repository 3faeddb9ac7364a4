/**
 * The canonical OTLP/JSON (protojson) shapes the writer produces: `ExportTraceServiceRequest` with
 * resource spans, scope spans and spans. The reader accepts far more than this (see
 * `otlp-values.ts`), but what we write is always exactly this form.
 */

/** An OTLP `AnyValue`. 64-bit integers are decimal strings, as protojson writes them. */
export type OtlpAnyValue =
  | { stringValue: string }
  | { boolValue: boolean }
  | { intValue: string }
  | { doubleValue: number | 'NaN' | 'Infinity' | '-Infinity' }
  | { arrayValue: { values: OtlpAnyValue[] } }
  | { kvlistValue: { values: OtlpKeyValue[] } };

export interface OtlpKeyValue {
  key: string;
  value: OtlpAnyValue;
}

export interface OtlpSpanEvent {
  timeUnixNano: string;
  name: string;
  attributes: OtlpKeyValue[];
}

export interface OtlpStatus {
  code?: number;
  message?: string;
}

export interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  attributes: OtlpKeyValue[];
  events?: OtlpSpanEvent[];
  status: OtlpStatus;
}

export interface OtlpScopeSpans {
  scope: { name: string; version?: string };
  spans: OtlpSpan[];
}

export interface OtlpResourceSpans {
  resource: { attributes: OtlpKeyValue[] };
  scopeSpans: OtlpScopeSpans[];
}

/** `ExportTraceServiceRequest` in its JSON encoding. */
export interface OtlpExportRequest {
  resourceSpans: OtlpResourceSpans[];
}

/** `Span.SpanKind` numbers. */
export const SPAN_KIND_UNSPECIFIED = 0;
export const SPAN_KIND_INTERNAL = 1;
export const SPAN_KIND_SERVER = 2;
export const SPAN_KIND_CLIENT = 3;
export const SPAN_KIND_PRODUCER = 4;
export const SPAN_KIND_CONSUMER = 5;

/** `Status.StatusCode` numbers. */
export const STATUS_CODE_UNSET = 0;
export const STATUS_CODE_OK = 1;
export const STATUS_CODE_ERROR = 2;

/** Instrumentation scope name of everything the foundry writes. */
export const HARNESSX_SCOPE_NAME = '@harnessx/core';
/** Default `service.name` resource attribute. */
export const HARNESSX_SERVICE_NAME = 'harnessx';
/** `gen_ai.evaluation.name` of the verifier score event. */
export const TASK_VERIFIER_EVALUATION_NAME = 'harnessx.task_verifier';
