/**
 * Which attributes of model-call and tool-call spans the reader maps into record fields, and the
 * handling of the rest: the reader keeps them in the record's `extraAttributes`, the writer puts
 * them back on the same span. Both sides share these lists so that read(write(t)) gives t back
 * and a foreign span's vendor attributes survive a rewrite.
 */
import { GENAI, HARNESSX } from './attribute-keys.ts';
import type { OtlpAttributeList } from './otlp-attribute-list.ts';
import { type AttributeValue, setOwnProperty } from './otlp-values.ts';
import type { AttributeMap } from './span-record.ts';

/** Which keys a span kind maps itself, and the fixed values the writer fills in by default. */
export interface CallSpanAttributes {
  maps(key: string): boolean;
  /**
   * Attributes the writer adds with a fixed value unless the record's extras say otherwise; the
   * reader drops exactly these values, so they are not mistaken for extras.
   */
  defaults: Readonly<Record<string, string>>;
}

const MODEL_SPAN_KEYS: ReadonlySet<string> = new Set([
  GENAI.operationName,
  GENAI.providerName,
  GENAI.system,
  GENAI.requestModel,
  GENAI.responseModel,
  GENAI.inputTokens,
  GENAI.outputTokens,
  GENAI.promptTokens,
  GENAI.completionTokens,
  GENAI.finishReasons,
  GENAI.inputMessages,
  GENAI.outputMessages,
  GENAI.systemInstructions,
  GENAI.toolDefinitions,
  GENAI.errorType,
  HARNESSX.turnIndex,
  HARNESSX.costUsd,
]);

/** Older message attributes the reader turns into messages (`gen_ai.prompt`, `gen_ai.prompt.0.role`). */
const LEGACY_CONTENT_KEY = /^gen_ai\.(prompt|completion)(\.\d+\..+)?$/;

const TOOL_SPAN_KEYS: ReadonlySet<string> = new Set([
  GENAI.operationName,
  GENAI.toolName,
  GENAI.toolCallId,
  GENAI.toolCallArguments,
  GENAI.toolCallResult,
  GENAI.errorType,
  HARNESSX.toolResultSource,
  HARNESSX.toolIsError,
  HARNESSX.turnIndex,
]);

/** The Bedrock span makes the guardrail id Required; we run without guardrails. */
export const BEDROCK_GUARDRAIL_ID = 'aws.bedrock.guardrail.id';
const BEDROCK_DEFAULTS: Readonly<Record<string, string>> = { [BEDROCK_GUARDRAIL_ID]: '' };
const NO_DEFAULTS: Readonly<Record<string, string>> = {};

/** The attributes of a model-call span of `provider`. */
export function modelSpanAttributes(provider: string | undefined): CallSpanAttributes {
  return {
    maps: (key) => MODEL_SPAN_KEYS.has(key) || LEGACY_CONTENT_KEY.test(key),
    defaults: provider === 'aws.bedrock' ? BEDROCK_DEFAULTS : NO_DEFAULTS,
  };
}

/** The attributes of an `execute_tool` span. */
export const TOOL_SPAN_ATTRIBUTES: CallSpanAttributes = {
  maps: (key) => TOOL_SPAN_KEYS.has(key),
  defaults: { [GENAI.toolType]: 'function' },
};

function isWriterDefault(kind: CallSpanAttributes, key: string, value: AttributeValue): boolean {
  return Object.hasOwn(kind.defaults, key) && kind.defaults[key] === value;
}

/**
 * The attributes of a span that `kind` does not map, in the value form the episode's
 * `extraAttributes` uses; `undefined` when there are none, so records without extras stay so.
 */
export function extraAttributesOf(
  attributes: AttributeMap,
  kind: CallSpanAttributes,
): Record<string, unknown> | undefined {
  let extras: Record<string, unknown> | undefined;
  for (const [key, value] of attributes) {
    if (kind.maps(key) || isWriterDefault(kind, key, value)) continue;
    extras ??= {};
    setOwnProperty(extras, key, value);
  }
  return extras;
}

/**
 * Adds a record's extra attributes to a span after its mapped ones, then the defaults not given.
 * Mapped keys in the extras are skipped: the record's own fields say what they hold, and content
 * keys must stay out when content recording is off.
 */
export function writeExtraAttributes(
  list: OtlpAttributeList,
  extras: Readonly<Record<string, unknown>> | undefined,
  kind: CallSpanAttributes,
): void {
  if (extras !== undefined) {
    for (const key of Object.keys(extras)) if (!kind.maps(key)) list.value(key, extras[key]);
  }
  for (const key of Object.keys(kind.defaults)) list.string(key, kind.defaults[key]);
}
