/**
 * Maps one decoded span to what it means for a trajectory: the episode (`invoke_agent`), a model
 * call (`chat`, `text_completion`, `generate_content`, or an unnamed span that describes a model
 * call), a tool call (`execute_tool`), or something we cannot map, with the reason. Model and tool
 * spans are reduced to their records here, so that a streaming reader keeps only compact data;
 * their attributes we do not map go to the record's `extraAttributes`.
 */
import type { ChatMessage, ModelUsage } from '../providers/model.ts';
import { GENAI, GENAI_EVENTS, HARNESSX, INFERENCE_OPERATIONS } from './attribute-keys.ts';
import {
  booleanAttribute,
  firstNumberAttribute,
  firstStringAttribute,
  numberAttribute,
  spanNameSubject,
  stringAttribute,
} from './attribute-readers.ts';
import { extraAttributesOf, modelSpanAttributes, TOOL_SPAN_ATTRIBUTES } from './call-span-attributes.ts';
import {
  eventMessages,
  indexedMessages,
  parseJsonIfString,
  wholeDocumentMessages,
} from './genai-legacy-messages.ts';
import {
  chatMessagesFromGenAi,
  type ModelOutput,
  modelOutputFromGenAi,
  rawToolArguments,
  toolDefinitionsFromGenAi,
} from './genai-messages.ts';
import { MessageParseCache } from './message-parse-cache.ts';
import { isPlainObject } from './otlp-values.ts';
import type { AttributeMap, OtlpSpanRecord, SpanResource } from './span-record.ts';
import type { InferenceOperation, ModelCallRecord, ToolCallRecord } from './trajectory.ts';

/** What the assembler needs of any span once its attributes are gone. */
export interface SpanHeader {
  traceId: string;
  spanId: string;
  parentSpanId: string | undefined;
  name: string;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  statusCode: number;
  order: number;
  /** Shared with the other spans of the resource; a streamed resource may be filled in later. */
  resource: SpanResource | undefined;
}

/** The `service.name` of the resource a span was reported under. */
export function serviceNameOf(header: SpanHeader): string | undefined {
  const name = header.resource?.attributes.get('service.name');
  return typeof name === 'string' ? name : undefined;
}

export type MappedSpan =
  | { kind: 'agent'; header: SpanHeader; span: OtlpSpanRecord }
  | { kind: 'model'; header: SpanHeader; record: ModelCallRecord; turnIndex: number | undefined }
  | { kind: 'tool'; header: SpanHeader; record: ToolCallRecord; turnIndex: number | undefined }
  | { kind: 'other'; header: SpanHeader; reason: string; agentName: string | undefined };

export function spanHeader(span: OtlpSpanRecord): SpanHeader {
  return {
    traceId: span.traceId,
    spanId: span.spanId,
    parentSpanId: span.parentSpanId,
    name: span.name,
    startTimeUnixNano: span.startTimeUnixNano,
    endTimeUnixNano: span.endTimeUnixNano,
    statusCode: span.status.code,
    order: span.order,
    resource: span.resource,
  };
}

const MODEL_CALL_HINT =
  /^gen_ai\.(provider\.name|system|request\.model|response\.model|usage\.|prompt\.|completion\.)/;
const RESULT_SOURCES = new Set<ToolCallRecord['resultSource']>(['environment', 'processor', 'runtime']);

function isInferenceOperation(operation: string | undefined): operation is InferenceOperation {
  return operation !== undefined && INFERENCE_OPERATIONS.has(operation);
}

function describesModelCall(attributes: AttributeMap): boolean {
  for (const key of attributes.keys()) if (MODEL_CALL_HINT.test(key)) return true;
  return false;
}

function spanError(span: OtlpSpanRecord): { type: string; message: string } | undefined {
  const type = stringAttribute(span.attributes, GENAI.errorType);
  if (span.status.code !== 2 && type === undefined) return undefined;
  return { type: type ?? '_OTHER', message: span.status.message ?? '' };
}

function turnIndexOf(attributes: AttributeMap): number | undefined {
  const value = numberAttribute(attributes, HARNESSX.turnIndex);
  return value !== undefined && Number.isInteger(value) ? value : undefined;
}

function usageOf(attributes: AttributeMap): ModelUsage {
  return {
    inputTokens: firstNumberAttribute(attributes, [GENAI.inputTokens, GENAI.promptTokens]) ?? 0,
    outputTokens: firstNumberAttribute(attributes, [GENAI.outputTokens, GENAI.completionTokens]) ?? 0,
  };
}

/** The attributes that may hold content: the span's, then an inference-details event's. */
function contentSources(span: OtlpSpanRecord): AttributeMap[] {
  const sources = [span.attributes];
  for (const event of span.events)
    if (event.name === GENAI_EVENTS.inferenceDetails) sources.push(event.attributes);
  return sources;
}

function systemInstructionText(document: unknown): string | undefined {
  if (typeof document === 'string') return document;
  if (!Array.isArray(document)) return undefined;
  return document
    .map((part) =>
      typeof part === 'string' ? part : isPlainObject(part) ? String(part['content'] ?? '') : '',
    )
    .join('');
}

function inputMessagesOf(
  span: OtlpSpanRecord,
  sources: AttributeMap[],
  cache: MessageParseCache,
): ChatMessage[] {
  let messages: ChatMessage[] | undefined;
  let instructions: string | undefined;
  for (const attributes of sources) {
    const raw = attributes.get(GENAI.inputMessages);
    if (messages === undefined && raw !== undefined) {
      const parsed = typeof raw === 'string' ? cache.inputMessages(raw) : chatMessagesFromGenAi(raw);
      // Text that is not a message list (a prompt string, a Python repr) is still the input.
      messages = parsed ?? [{ role: 'user', content: typeof raw === 'string' ? raw : JSON.stringify(raw) }];
    }
    instructions ??= systemInstructionText(parseJsonIfString(attributes.get(GENAI.systemInstructions)));
  }
  messages ??=
    indexedMessages(span.attributes).input ??
    wholeDocumentMessages(span.attributes).input ??
    eventMessages(span.events).input ??
    [];
  if (instructions !== undefined && !messages.some((message) => message.role === 'system')) {
    messages = [{ role: 'system', content: instructions }, ...messages];
  }
  return messages;
}

function outputOf(span: OtlpSpanRecord, sources: AttributeMap[]): ModelOutput | null {
  const finishReasons = span.attributes.get(GENAI.finishReasons);
  const firstReason = Array.isArray(finishReasons) ? finishReasons[0] : parseJsonIfString(finishReasons);
  const fallbackReason = Array.isArray(firstReason) ? firstReason[0] : firstReason;
  for (const attributes of sources) {
    const raw = attributes.get(GENAI.outputMessages);
    if (raw === undefined) continue;
    const parsed = parseJsonIfString(raw);
    if (typeof parsed === 'string') return { text: parsed, toolCalls: [], finishReason: 'stop' };
    const output = modelOutputFromGenAi(parsed, fallbackReason);
    if (output !== undefined) return output;
  }
  const legacy =
    indexedMessages(span.attributes).output ??
    wholeDocumentMessages(span.attributes).output ??
    eventMessages(span.events).output;
  if (legacy !== undefined) return legacy;
  if (finishReasons === undefined) return null;
  return modelOutputFromGenAi([], fallbackReason) ?? null;
}

function toolDefinitionsOf(sources: AttributeMap[], cache: MessageParseCache): ModelCallRecord['tools'] {
  for (const source of sources) {
    const raw = source.get(GENAI.toolDefinitions);
    if (raw === undefined) continue;
    const tools = typeof raw === 'string' ? cache.toolDefinitions(raw) : toolDefinitionsFromGenAi(raw);
    if (tools !== undefined) return tools;
  }
  return undefined;
}

function mapModelCall(
  span: OtlpSpanRecord,
  operation: string | undefined,
  cache: MessageParseCache,
): MappedSpan {
  const attributes = span.attributes;
  const sources = contentSources(span);
  const responseModel = stringAttribute(attributes, GENAI.responseModel);
  const subject = spanNameSubject(span.name, operation ?? 'chat');
  const provider = firstStringAttribute(attributes, [GENAI.providerName, GENAI.system]);
  const record: ModelCallRecord = {
    spanId: span.spanId,
    provider: provider ?? '',
    model: stringAttribute(attributes, GENAI.requestModel) ?? responseModel ?? subject ?? '',
    inputMessages: inputMessagesOf(span, sources, cache),
    output: outputOf(span, sources),
    usage: usageOf(attributes),
    startTimeUnixNano: span.startTimeUnixNano,
    endTimeUnixNano: span.endTimeUnixNano,
  };
  if (responseModel !== undefined) record.responseModel = responseModel;
  const tools = toolDefinitionsOf(sources, cache);
  if (tools !== undefined) record.tools = tools;
  const costUsd = numberAttribute(attributes, HARNESSX.costUsd);
  if (costUsd !== undefined) record.costUsd = costUsd;
  const error = spanError(span);
  if (error !== undefined) record.error = error;
  // Absent means chat, so that the records the runtime builds read back unchanged.
  if (operation !== 'chat' && isInferenceOperation(operation)) record.operationName = operation;
  const extras = extraAttributesOf(attributes, modelSpanAttributes(provider));
  if (extras !== undefined) record.extraAttributes = extras;
  return { kind: 'model', header: spanHeader(span), record, turnIndex: turnIndexOf(attributes) };
}

function toolText(value: unknown): string {
  if (value === undefined || value === null) return '';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function mapToolCall(span: OtlpSpanRecord): MappedSpan {
  const attributes = span.attributes;
  const error = spanError(span);
  const source = stringAttribute(attributes, HARNESSX.toolResultSource);
  const record: ToolCallRecord = {
    spanId: span.spanId,
    callId: stringAttribute(attributes, GENAI.toolCallId) ?? '',
    name: stringAttribute(attributes, GENAI.toolName) ?? spanNameSubject(span.name, 'execute_tool') ?? '',
    arguments: rawToolArguments(attributes.get(GENAI.toolCallArguments)),
    result: toolText(attributes.get(GENAI.toolCallResult)),
    isError: booleanAttribute(attributes, HARNESSX.toolIsError) ?? error !== undefined,
    resultSource: RESULT_SOURCES.has(source as ToolCallRecord['resultSource'])
      ? (source as ToolCallRecord['resultSource'])
      : 'environment',
    startTimeUnixNano: span.startTimeUnixNano,
    endTimeUnixNano: span.endTimeUnixNano,
  };
  if (error !== undefined) record.error = error;
  const extras = extraAttributesOf(attributes, TOOL_SPAN_ATTRIBUTES);
  if (extras !== undefined) record.extraAttributes = extras;
  return { kind: 'tool', header: spanHeader(span), record, turnIndex: turnIndexOf(attributes) };
}

/**
 * Classifies and maps one span. Pass one `cache` for all spans of a read: consecutive chat spans
 * of an episode then parse their shared conversation once.
 */
export function mapSpan(
  span: OtlpSpanRecord,
  cache: MessageParseCache = new MessageParseCache(),
): MappedSpan {
  const operation = stringAttribute(span.attributes, GENAI.operationName);
  if (operation === 'invoke_agent' || (operation === undefined && /^invoke_agent\b/.test(span.name))) {
    return { kind: 'agent', header: spanHeader(span), span };
  }
  if (operation !== undefined ? INFERENCE_OPERATIONS.has(operation) : describesModelCall(span.attributes)) {
    return mapModelCall(span, operation, cache);
  }
  if (operation === 'execute_tool' || (operation === undefined && /^execute_tool\b/.test(span.name))) {
    return mapToolCall(span);
  }
  const reason =
    operation !== undefined
      ? `GenAI operation "${operation}" has no counterpart in a trajectory`
      : 'not a GenAI span: no gen_ai.operation.name and no model-call attributes';
  return {
    kind: 'other',
    header: spanHeader(span),
    reason,
    agentName: stringAttribute(span.attributes, GENAI.agentName),
  };
}
