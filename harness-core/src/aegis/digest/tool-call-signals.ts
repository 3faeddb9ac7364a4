/**
 * Generic, domain-agnostic readings of one recorded tool call: did it fail, was the failure about
 * its arguments, is it a finish-like call, and which action (name + canonical arguments) was it.
 */
import type { ToolCallRecord } from '../../trace/trajectory.ts';

/**
 * How runtimes, argument-repair processors and tool servers phrase "your arguments were wrong":
 * not valid JSON, or not matching the tool's schema (missing, unexpected or mistyped fields).
 */
export const ARGUMENT_ERROR_PATTERNS: readonly RegExp[] = [
  /\bnot (?:a )?valid JSON\b/i,
  /\binvalid (?:JSON|arguments?|parameters?|input)\b/i,
  /\bexpects \{/i,
  /\bmissing (?:required )?(?:argument|property|parameter|field|key)s?\b/i,
  /\bmissing "[^"]*"/i,
  /\bunexpected (?:argument|property|parameter|field|key)s?\b/i,
  /\b(?:does not|doesn't) match the (?:tool's )?schema\b/i,
  /\barguments? must be\b/i,
  /\bexpected (?:a |an )?(?:string|number|integer|boolean|object|array)\b/i,
];

/** Error types (`error.type` of a tool span) that mean the arguments could not be used. */
const ARGUMENT_ERROR_TYPES = new Set(['invalid_arguments', 'invalid_argument', 'schema_error']);

/** Only the head of a result is matched: errors say what is wrong up front, and results can be huge. */
const MATCHED_PREFIX_CHARS = 400;

export interface ToolCallSignals {
  isFinishLike(name: string): boolean;
  isFailed(call: ToolCallRecord): boolean;
  isArgumentError(call: ToolCallRecord): boolean;
}

function normalizeToolName(name: string): string {
  return name.trim().toLowerCase().replaceAll('-', '_');
}

export function createToolCallSignals(options: {
  finishToolNames: readonly string[];
  failurePatterns: readonly string[];
}): ToolCallSignals {
  const finishNames = new Set(options.finishToolNames.map(normalizeToolName));
  const failurePatterns = options.failurePatterns.map((source) => new RegExp(source, 'i'));
  const head = (call: ToolCallRecord) => call.result.slice(0, MATCHED_PREFIX_CHARS).trim();
  return {
    isFinishLike: (name) => finishNames.has(normalizeToolName(name)),
    isFailed(call) {
      if (call.isError) return true;
      const text = head(call);
      return failurePatterns.some((pattern) => pattern.test(text));
    },
    isArgumentError(call) {
      if (!call.isError) return false;
      if (call.error && ARGUMENT_ERROR_TYPES.has(call.error.type)) return true;
      const text = head(call);
      return ARGUMENT_ERROR_PATTERNS.some((pattern) => pattern.test(text));
    },
  };
}

/** Sorted-key JSON, so `{"a":1,"b":2}` and `{"b":2, "a":1}` are the same action. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    const keys = Object.keys(record).sort();
    return `{${keys.map((key) => `${JSON.stringify(key)}:${canonicalJson(record[key])}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** `name(canonical arguments)`; arguments that are not JSON are compared as trimmed text. */
export function actionKey(call: Pick<ToolCallRecord, 'name' | 'arguments'>): string {
  const text = call.arguments.trim();
  if (text === '' || text === '{}') return `${call.name}({})`;
  try {
    return `${call.name}(${canonicalJson(JSON.parse(text))})`;
  } catch {
    return `${call.name}(${text})`;
  }
}
