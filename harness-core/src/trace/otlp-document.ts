/**
 * Walks a parsed OTLP/JSON `ExportTraceServiceRequest` (or an array of them) and hands each span
 * to a sink with its path and resource. Structural faults are reported with their path; the walk
 * goes on with whatever else is readable. `otlp-token-scanner.ts` does the same over a token
 * stream and reports the same paths.
 */
import { isPlainObject, readField } from './otlp-values.ts';
import { decodeResource, type SpanResource, type TraceReadIssue } from './span-record.ts';

export interface OtlpSpanSink {
  span(raw: unknown, path: string, resource: SpanResource): void;
  issue(issue: TraceReadIssue): void;
}

/** Path prefix of a document that starts on `line`: empty for the first line, else `line N: `. */
export function documentPrefix(line: number): string {
  return line === 1 ? '' : `line ${line}: `;
}

export const RESOURCE_SPANS_KEYS = ['resourceSpans', 'resource_spans'] as const;
export const SCOPE_SPANS_KEYS = [
  'scopeSpans',
  'scope_spans',
  'instrumentationLibrarySpans',
  'instrumentation_library_spans',
] as const;

export const NOT_A_REQUEST = 'expected an OTLP ExportTraceServiceRequest object ({"resourceSpans": [...]})';
export const NO_RESOURCE_SPANS =
  'missing: expected an array of resource spans (is this an OTLP trace export?)';
export const EXPECTED_ARRAY = 'expected an array';
export const EXPECTED_OBJECT = 'expected an object';

function firstField(object: Record<string, unknown>, keys: readonly string[]): unknown {
  for (const key of keys) if (object[key] !== undefined) return object[key];
  return undefined;
}

function walkScopeSpans(raw: unknown, path: string, resource: SpanResource, sink: OtlpSpanSink): void {
  if (!isPlainObject(raw)) {
    sink.issue({ path, reason: EXPECTED_OBJECT });
    return;
  }
  const spans = raw['spans'];
  if (spans === undefined || spans === null) return;
  if (!Array.isArray(spans)) {
    sink.issue({ path: `${path}.spans`, reason: EXPECTED_ARRAY });
    return;
  }
  for (let index = 0; index < spans.length; index++)
    sink.span(spans[index], `${path}.spans[${index}]`, resource);
}

function walkResourceSpans(raw: unknown, path: string, sink: OtlpSpanSink): void {
  if (!isPlainObject(raw)) {
    sink.issue({ path, reason: EXPECTED_OBJECT });
    return;
  }
  const context = { issues: [] as TraceReadIssue[] };
  const resource = decodeResource(readField(raw, 'resource'), `${path}.resource`, context);
  for (const issue of context.issues) sink.issue(issue);
  const scopeSpans = firstField(raw, SCOPE_SPANS_KEYS);
  if (scopeSpans === undefined || scopeSpans === null) return;
  if (!Array.isArray(scopeSpans)) {
    sink.issue({ path: `${path}.scopeSpans`, reason: EXPECTED_ARRAY });
    return;
  }
  for (let index = 0; index < scopeSpans.length; index++) {
    walkScopeSpans(scopeSpans[index], `${path}.scopeSpans[${index}]`, resource, sink);
  }
}

function walkRequest(raw: unknown, prefix: string, sink: OtlpSpanSink): void {
  if (!isPlainObject(raw)) {
    sink.issue({ path: prefix === '' ? '(root)' : prefix.replace(/[.:]\s*$/, ''), reason: NOT_A_REQUEST });
    return;
  }
  const resourceSpans = firstField(raw, RESOURCE_SPANS_KEYS);
  if (resourceSpans === undefined || resourceSpans === null) {
    if (Object.keys(raw).length > 0)
      sink.issue({ path: `${prefix}resourceSpans`, reason: NO_RESOURCE_SPANS });
    return;
  }
  if (!Array.isArray(resourceSpans)) {
    sink.issue({ path: `${prefix}resourceSpans`, reason: EXPECTED_ARRAY });
    return;
  }
  for (let index = 0; index < resourceSpans.length; index++) {
    walkResourceSpans(resourceSpans[index], `${prefix}resourceSpans[${index}]`, sink);
  }
}

/**
 * Walks one parsed document: a request, or (liberally) an array of requests. `line` is the line
 * the document starts on in its file, used in paths.
 */
export function walkOtlpDocument(document: unknown, line: number, sink: OtlpSpanSink): void {
  const prefix = documentPrefix(line);
  if (Array.isArray(document)) {
    for (let index = 0; index < document.length; index++)
      walkRequest(document[index], `${prefix}[${index}].`, sink);
    return;
  }
  walkRequest(document, prefix, sink);
}
