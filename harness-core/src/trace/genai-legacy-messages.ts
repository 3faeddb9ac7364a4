/**
 * Older ways exporters record messages, read into `ChatMessage`s:
 * - indexed attributes (`gen_ai.prompt.N.role/content/tool_call_id`, `gen_ai.prompt.N.tool_calls.M.*`,
 *   `gen_ai.completion.N.*`), as OpenLLMetry writes them;
 * - the removed whole-document `gen_ai.prompt` / `gen_ai.completion` attributes;
 * - span events: `gen_ai.{system,user,assistant,tool}.message` and `gen_ai.choice` (deprecated),
 *   with the message in attributes or in a JSON `gen_ai.event.content` body.
 */
import type { ChatMessage } from '../providers/model.ts';
import {
  chatMessagesFromGenAi,
  chatMessagesFromGenAiMessage,
  type ModelOutput,
  modelOutputFromGenAi,
  type ToolNamesByCallId,
} from './genai-messages.ts';
import { type AttributeValue, isPlainObject, setOwnProperty } from './otlp-values.ts';
import type { AttributeMap, SpanEventRecord } from './span-record.ts';

export interface LegacyMessages {
  input?: ChatMessage[];
  output?: ModelOutput;
}

const INDEXED_KEY = /^gen_ai\.(prompt|completion)\.(\d+)\.(.+)$/;
const TOOL_CALL_FIELD = /^tool_calls\.(\d+)\.(.+)$/;

/** Parses a JSON string that should hold structured data; other values pass through. */
export function parseJsonIfString(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const first = value.trimStart().charCodeAt(0);
  if (first !== 0x7b /* { */ && first !== 0x5b /* [ */) return value;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return value;
  }
}

type IndexedMessage = Record<string, unknown> & { tool_calls?: Record<string, unknown>[] };

function setIndexedField(message: IndexedMessage, field: string, value: AttributeValue): void {
  const toolCall = TOOL_CALL_FIELD.exec(field);
  if (toolCall === null) {
    // Multimodal content is written as a JSON array of parts; plain text stays text.
    const decoded = field === 'content' ? parseContentParts(value) : value;
    setOwnProperty(message, field, decoded);
    return;
  }
  const calls = message.tool_calls ?? [];
  message.tool_calls = calls;
  const index = Number(toolCall[1]);
  const call = calls[index] ?? {};
  calls[index] = call;
  const key = toolCall[2] ?? '';
  setOwnProperty(
    call,
    key === 'function.name' ? 'name' : key === 'function.arguments' ? 'arguments' : key,
    value,
  );
}

function parseContentParts(value: AttributeValue): unknown {
  const parsed = parseJsonIfString(value);
  return Array.isArray(parsed) &&
    parsed.every((part) => isPlainObject(part) && typeof part['type'] === 'string')
    ? parsed
    : value;
}

function sortedByIndex(messages: Map<number, IndexedMessage>): IndexedMessage[] {
  return [...messages.entries()].sort((a, b) => a[0] - b[0]).map(([, message]) => message);
}

function withDenseToolCalls(message: IndexedMessage): IndexedMessage {
  if (message.tool_calls === undefined) return message;
  return { ...message, tool_calls: message.tool_calls.filter((call) => call !== undefined) };
}

/** Reads the indexed `gen_ai.prompt.N.*` / `gen_ai.completion.N.*` attributes, when present. */
export function indexedMessages(attributes: AttributeMap): LegacyMessages {
  const prompts = new Map<number, IndexedMessage>();
  const completions = new Map<number, IndexedMessage>();
  for (const [key, value] of attributes) {
    const match = INDEXED_KEY.exec(key);
    if (match === null) continue;
    const target = match[1] === 'prompt' ? prompts : completions;
    const index = Number(match[2]);
    const message = target.get(index) ?? {};
    target.set(index, message);
    setIndexedField(message, match[3] ?? '', value);
  }
  const out: LegacyMessages = {};
  if (prompts.size > 0) {
    const toolNames: ToolNamesByCallId = new Map();
    out.input = sortedByIndex(prompts).flatMap((message) =>
      chatMessagesFromGenAiMessage(withDenseToolCalls(message), toolNames),
    );
  }
  const firstCompletion = sortedByIndex(completions)[0];
  if (firstCompletion !== undefined) {
    out.output = modelOutputFromGenAi([{ role: 'assistant', ...withDenseToolCalls(firstCompletion) }]);
  }
  return out;
}

/** Reads the removed whole-document `gen_ai.prompt` / `gen_ai.completion` attributes. */
export function wholeDocumentMessages(attributes: AttributeMap): LegacyMessages {
  const out: LegacyMessages = {};
  const prompt = parseJsonIfString(attributes.get('gen_ai.prompt'));
  const input = chatMessagesFromGenAi(prompt);
  if (input !== undefined) out.input = input;
  else if (typeof prompt === 'string') out.input = [{ role: 'user', content: prompt }];
  const completion = parseJsonIfString(attributes.get('gen_ai.completion'));
  if (typeof completion === 'string') out.output = { text: completion, toolCalls: [], finishReason: 'stop' };
  else if (completion !== undefined && completion !== null) out.output = modelOutputFromGenAi(completion);
  return out;
}

const MESSAGE_EVENT_ROLES: Record<string, string> = {
  'gen_ai.system.message': 'system',
  'gen_ai.user.message': 'user',
  'gen_ai.assistant.message': 'assistant',
  'gen_ai.tool.message': 'tool',
};

/** The event body: structured attributes, with a JSON `gen_ai.event.content` body merged in. */
function eventBody(event: SpanEventRecord): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const [key, value] of event.attributes) setOwnProperty(body, key, value);
  const content = parseJsonIfString(
    event.attributes.get('gen_ai.event.content') ?? event.attributes.get('body'),
  );
  if (isPlainObject(content)) for (const key of Object.keys(content)) setOwnProperty(body, key, content[key]);
  for (const key of ['tool_calls', 'message']) if (key in body) body[key] = parseJsonIfString(body[key]);
  return body;
}

/** Reads messages recorded as span events (one event per message, `gen_ai.choice` per choice). */
export function eventMessages(events: readonly SpanEventRecord[]): LegacyMessages {
  const input: ChatMessage[] = [];
  const toolNames: ToolNamesByCallId = new Map();
  let output: ModelOutput | undefined;
  for (const event of events) {
    const role = MESSAGE_EVENT_ROLES[event.name];
    if (role !== undefined) {
      const body = eventBody(event);
      input.push(...chatMessagesFromGenAiMessage({ ...body, role: body['role'] ?? role }, toolNames));
    } else if (event.name === 'gen_ai.choice' && output === undefined) {
      const body = eventBody(event);
      const message = isPlainObject(body['message']) ? body['message'] : body;
      output = modelOutputFromGenAi([{ role: 'assistant', ...message }], body['finish_reason']);
    }
  }
  const out: LegacyMessages = {};
  if (input.length > 0) out.input = input;
  if (output !== undefined) out.output = output;
  return out;
}
