/**
 * Deep freezing of what processors receive. History messages are frozen once when they enter the
 * history, so handing them to every processor on every hook costs nothing, and a processor that
 * tries to mutate its arguments fails loudly instead of corrupting the episode.
 */
import type { ChatMessage, ToolCall } from '../providers/model.ts';

export function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const key of Object.keys(value)) deepFreeze((value as Record<string, unknown>)[key]);
  }
  return value;
}

/**
 * `deepFreeze` for a message the runtime has just built, which happens twice a turn; it freezes
 * the same objects without walking every key. Its ids and names are validated strings, and its
 * tool calls are fresh copies of validated calls (three strings each) in a fresh array, so
 * freezing those is deep; the other fields that may hold objects (the tool result, which is
 * whatever the environment returned, and extra parts) go through `deepFreeze`.
 */
export function freezeMessage<M extends ChatMessage>(message: M): M {
  if (message.role === 'assistant' && message.toolCalls !== undefined) {
    for (const call of message.toolCalls) Object.freeze(call);
    Object.freeze(message.toolCalls);
  }
  if (message.role === 'tool') deepFreeze(message.isError);
  if (message.extraParts !== undefined) deepFreeze(message.extraParts);
  deepFreeze(message.content);
  return Object.freeze(message);
}

/**
 * A copy of a validated tool call, which has exactly these three fields, for a history message.
 * A literal copy, unlike a spread one, has a shape that V8 freezes cheaply (a spread copy costs
 * ten times as much to freeze).
 */
export function copyToolCall(call: ToolCall): ToolCall {
  return { id: call.id, name: call.name, arguments: call.arguments };
}
