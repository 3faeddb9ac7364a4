/**
 * Messages in the GenAI semantic conventions' JSON forms (v1.41 `parts` form for
 * `gen_ai.input.messages` / `gen_ai.output.messages`, and the OpenAI `{role, content, tool_calls}`
 * form many exporters still write), converted to and from our `ChatMessage`.
 *
 * The writer's form is chosen so that reading it back gives the same `ChatMessage` exactly: a
 * text part is written only when there is text or nothing else, tool-call arguments are written
 * as objects only when that re-serialises to the same raw text, and a tool result keeps its tool
 * name (`name`) and error flag (`is_error`) as extra properties the schema allows.
 */
import type { ChatMessage, ExtraPart, FinishReason, ToolCall, ToolDefinition } from '../providers/model.ts';
import { isPlainObject } from './otlp-values.ts';

/** A message in the conventions' parts form. */
export interface GenAiMessage {
  role: string;
  parts: Record<string, unknown>[];
  name?: string;
  finish_reason?: string;
}

/** A model response as a `ModelCallRecord` stores it. */
export interface ModelOutput {
  text: string;
  toolCalls: ToolCall[];
  finishReason: FinishReason;
}

// ---------------------------------------------------------------- writing

/** The JSON value to put in a part's `arguments`: an object when lossless, else the raw text. */
export function toolArgumentsForPart(raw: string): unknown {
  const first = raw.charCodeAt(0);
  if (first !== 0x7b /* { */ && first !== 0x5b /* [ */) return raw;
  try {
    const parsed: unknown = JSON.parse(raw);
    return JSON.stringify(parsed) === raw ? parsed : raw;
  } catch {
    return raw;
  }
}

function toolCallPart(call: ToolCall): Record<string, unknown> {
  return { type: 'tool_call', id: call.id, name: call.name, arguments: toolArgumentsForPart(call.arguments) };
}

function textParts(content: string, otherParts: number): Record<string, unknown>[] {
  return content !== '' || otherParts === 0 ? [{ type: 'text', content }] : [];
}

/** Converts chat messages to the `gen_ai.input.messages` parts form. */
export function toGenAiInputMessages(messages: readonly ChatMessage[]): GenAiMessage[] {
  return messages.map((message): GenAiMessage => {
    const extra = message.extraParts ?? [];
    switch (message.role) {
      case 'assistant': {
        const calls = (message.toolCalls ?? []).map(toolCallPart);
        const parts = [...textParts(message.content, calls.length + extra.length), ...calls, ...extra];
        return { role: 'assistant', parts };
      }
      case 'tool': {
        const response: Record<string, unknown> = {
          type: 'tool_call_response',
          id: message.toolCallId,
          response: message.content,
        };
        if (message.isError !== undefined) response['is_error'] = message.isError;
        return { role: 'tool', name: message.name, parts: [response, ...extra] };
      }
      default:
        return { role: message.role, parts: [...textParts(message.content, extra.length), ...extra] };
    }
  });
}

/** Converts a model response to the `gen_ai.output.messages` form (one message, one choice). */
export function toGenAiOutputMessages(output: ModelOutput): GenAiMessage[] {
  const calls = output.toolCalls.map(toolCallPart);
  return [
    {
      role: 'assistant',
      parts: [...textParts(output.text, calls.length), ...calls],
      finish_reason: output.finishReason,
    },
  ];
}

/** Converts tool definitions to the `gen_ai.tool.definitions` form. */
export function toGenAiToolDefinitions(tools: readonly ToolDefinition[]): Record<string, unknown>[] {
  return tools.map((tool) => ({
    type: 'function',
    name: tool.name,
    description: tool.description,
    parameters: tool.parameters,
  }));
}

// ---------------------------------------------------------------- reading

const ROLE_ALIASES: Record<string, ChatMessage['role']> = {
  system: 'system',
  developer: 'system',
  user: 'user',
  human: 'user',
  assistant: 'assistant',
  model: 'assistant',
  ai: 'assistant',
  bot: 'assistant',
  tool: 'tool',
  function: 'tool',
  ipython: 'tool',
};

/** Maps any role name to one of ours; unknown roles are treated as user input. */
export function normaliseRole(raw: unknown): ChatMessage['role'] {
  return typeof raw === 'string' ? (ROLE_ALIASES[raw.toLowerCase()] ?? 'user') : 'user';
}

const FINISH_REASON_ALIASES: Record<string, FinishReason> = {
  stop: 'stop',
  end_turn: 'stop',
  stop_sequence: 'stop',
  eos: 'stop',
  complete: 'stop',
  finish_reason_stop: 'stop',
  tool_call: 'tool_call',
  tool_calls: 'tool_call',
  function_call: 'tool_call',
  tool_use: 'tool_call',
  length: 'length',
  max_tokens: 'length',
  max_output_tokens: 'length',
  content_filter: 'content_filter',
  safety: 'content_filter',
  error: 'error',
};

/** Maps a provider's finish reason to ours; unknown reasons become `stop`. */
export function normaliseFinishReason(raw: unknown): FinishReason {
  return typeof raw === 'string' ? (FINISH_REASON_ALIASES[raw.toLowerCase()] ?? 'stop') : 'stop';
}

/** Tool-call arguments as raw text: strings as they are, anything else as JSON. */
export function rawToolArguments(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === undefined || value === null) return '';
  return JSON.stringify(value);
}

function textOf(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === undefined || value === null) return '';
  return JSON.stringify(value);
}

function asExtraPart(part: unknown): ExtraPart {
  if (isPlainObject(part) && typeof part['type'] === 'string') return part as ExtraPart;
  return { type: 'unknown', value: part };
}

function stringOr(value: unknown, fallback: string): string {
  return typeof value === 'string' ? value : value === undefined || value === null ? fallback : String(value);
}

interface SortedParts {
  texts: string[];
  toolCalls: ToolCall[];
  responses: { id: string; content: string; isError?: boolean; name?: string }[];
  extra: ExtraPart[];
}

function sortParts(parts: readonly unknown[]): SortedParts {
  const sorted: SortedParts = { texts: [], toolCalls: [], responses: [], extra: [] };
  for (const part of parts) {
    if (!isPlainObject(part)) {
      if (typeof part === 'string') sorted.texts.push(part);
      else sorted.extra.push(asExtraPart(part));
      continue;
    }
    const type = part['type'];
    if (type === 'text' && typeof part['content'] === 'string') sorted.texts.push(part['content']);
    else if (type === 'text' && typeof part['text'] === 'string') sorted.texts.push(part['text']);
    else if (type === 'tool_call' && part['name'] !== undefined) {
      sorted.toolCalls.push({
        id: stringOr(part['id'], ''),
        name: stringOr(part['name'], ''),
        arguments: rawToolArguments(part['arguments']),
      });
    } else if (type === 'tool_call_response') {
      const response: SortedParts['responses'][number] = {
        id: stringOr(part['id'], ''),
        content: textOf(part['response'] ?? part['result']),
      };
      if (typeof part['is_error'] === 'boolean') response.isError = part['is_error'];
      if (typeof part['name'] === 'string') response.name = part['name'];
      sorted.responses.push(response);
    } else sorted.extra.push(asExtraPart(part));
  }
  return sorted;
}

function withExtra<T extends ChatMessage>(message: T, extra: ExtraPart[]): T {
  return extra.length > 0 ? { ...message, extraParts: extra } : message;
}

function openAiToolCalls(raw: unknown): ToolCall[] {
  if (!Array.isArray(raw)) return [];
  return raw.filter(isPlainObject).map((call) => {
    const fn = isPlainObject(call['function']) ? call['function'] : call;
    return {
      id: stringOr(call['id'], ''),
      name: stringOr(fn['name'], ''),
      arguments: rawToolArguments(fn['arguments']),
    };
  });
}

/** Sorts a message's content, in whichever form, into text, tool calls, tool results and extras. */
function partsOfMessage(message: Record<string, unknown>): SortedParts {
  if (Array.isArray(message['parts'])) return sortParts(message['parts']);
  const content = message['content'];
  const sorted = Array.isArray(content)
    ? sortParts(content)
    : {
        texts: content === undefined || content === null ? [] : [textOf(content)],
        toolCalls: [],
        responses: [],
        extra: [],
      };
  sorted.toolCalls.push(...openAiToolCalls(message['tool_calls']));
  return sorted;
}

type ToolMessage = Extract<ChatMessage, { role: 'tool' }>;

function plainMessage(role: ChatMessage['role'], text: string, toolCalls: ToolCall[]): ChatMessage {
  if (role === 'assistant') {
    return toolCalls.length > 0 ? { role, content: text, toolCalls } : { role, content: text };
  }
  return { role: role === 'tool' ? 'user' : role, content: text };
}

/** Tool names by call id, from the assistant messages seen so far in one conversation. */
export type ToolNamesByCallId = Map<string, string>;

function toolMessagesOf(
  message: Record<string, unknown>,
  sorted: SortedParts,
  text: string,
  toolNames: ToolNamesByCallId,
): ToolMessage[] {
  const name = typeof message['name'] === 'string' ? message['name'] : undefined;
  const out = sorted.responses.map((response): ToolMessage => {
    const tool: ToolMessage = {
      role: 'tool',
      toolCallId: response.id,
      // Most forms do not name the tool on its result; the call it answers does.
      name: response.name ?? name ?? toolNames.get(response.id) ?? '',
      content: response.content,
    };
    if (response.isError !== undefined) tool.isError = response.isError;
    return tool;
  });
  if (out.length === 0) {
    // OpenAI form: the result is the message content, the call id a sibling field.
    const toolCallId = stringOr(message['tool_call_id'] ?? message['id'], '');
    out.push({ role: 'tool', toolCallId, name: name ?? toolNames.get(toolCallId) ?? '', content: text });
  }
  return out;
}

/**
 * Converts one message in the parts or OpenAI form to one or more chat messages. `toolNames`
 * carries tool-call names across the messages of one conversation.
 */
export function chatMessagesFromGenAiMessage(
  message: unknown,
  toolNames: ToolNamesByCallId = new Map(),
): ChatMessage[] {
  if (!isPlainObject(message)) {
    return typeof message === 'string' ? [{ role: 'user', content: message }] : [];
  }
  const role = normaliseRole(message['role']);
  const sorted = partsOfMessage(message);
  for (const call of sorted.toolCalls) toolNames.set(call.id, call.name);
  const text = sorted.texts.join('');
  const out: ChatMessage[] =
    role === 'tool' || sorted.responses.length > 0 ? toolMessagesOf(message, sorted, text, toolNames) : [];
  // A user message may carry tool results and text together (Anthropic style): keep both.
  if (out.length === 0 || (role !== 'tool' && (text !== '' || sorted.toolCalls.length > 0))) {
    out.push(plainMessage(role, text, sorted.toolCalls));
  }
  const last = out[out.length - 1];
  if (last !== undefined && sorted.extra.length > 0) out[out.length - 1] = withExtra(last, sorted.extra);
  return out;
}

/** Converts a `gen_ai.input.messages` document (parts or OpenAI form) to chat messages. */
export function chatMessagesFromGenAi(document: unknown): ChatMessage[] | undefined {
  if (!Array.isArray(document)) return undefined;
  const out: ChatMessage[] = [];
  const toolNames: ToolNamesByCallId = new Map();
  for (const message of document) out.push(...chatMessagesFromGenAiMessage(message, toolNames));
  return out;
}

/** Reads the first choice of a `gen_ai.output.messages` document. */
export function modelOutputFromGenAi(
  document: unknown,
  fallbackFinishReason?: unknown,
): ModelOutput | undefined {
  const messages = Array.isArray(document) ? document : isPlainObject(document) ? [document] : undefined;
  if (messages === undefined) return undefined;
  const first = messages.find(isPlainObject);
  if (first === undefined) {
    return { text: '', toolCalls: [], finishReason: normaliseFinishReason(fallbackFinishReason) };
  }
  const choice = isPlainObject(first['message']) ? { ...first, ...first['message'] } : first;
  const sorted = partsOfMessage(choice);
  return {
    text: sorted.texts.join(''),
    toolCalls: sorted.toolCalls,
    finishReason: normaliseFinishReason(choice['finish_reason'] ?? fallbackFinishReason),
  };
}

/** Converts a `gen_ai.tool.definitions` document (conventions, OpenAI or Anthropic form). */
export function toolDefinitionsFromGenAi(document: unknown): ToolDefinition[] | undefined {
  if (!Array.isArray(document)) return undefined;
  return document.filter(isPlainObject).map((item) => {
    const fn = isPlainObject(item['function']) ? item['function'] : item;
    const parameters = fn['parameters'] ?? fn['input_schema'];
    return {
      name: stringOr(fn['name'], ''),
      description: stringOr(fn['description'], ''),
      parameters: isPlainObject(parameters) ? parameters : {},
    };
  });
}
