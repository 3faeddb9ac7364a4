/**
 * The runtime's semantic checks on schema-valid patches: what the hook table in DESIGN §3 says a
 * hook may change, beyond the patch's shape (e.g. a history patch may not rewrite the system
 * message or the latest message, and may not orphan a tool result).
 */
import { ProcessorContractError } from '../errors.ts';
import type { HistoryPatch, RequestPatch, TaskStartPatch } from '../harness/hooks.ts';
import type { ChatMessage, ToolDefinition } from '../providers/model.ts';
import { frozenCopy } from './frozen-copy.ts';

export function applyTaskStartPatch(
  patch: TaskStartPatch,
  processorId: string,
  state: { systemPrompt: string; tools: readonly ToolDefinition[] },
  environmentTools: readonly ToolDefinition[],
): void {
  if (patch.systemPrompt !== undefined) state.systemPrompt = patch.systemPrompt;
  if (patch.tools !== undefined) {
    const known = new Set(environmentTools.map((tool) => tool.name));
    const unknown = patch.tools.filter((tool) => !known.has(tool.name)).map((tool) => tool.name);
    if (unknown.length > 0) {
      throw new ProcessorContractError(
        processorId,
        'taskStart',
        `the tool list may only select and re-describe the environment's tools; unknown: ${unknown.join(', ')}`,
      );
    }
    state.tools = frozenCopy(patch.tools);
  }
}

export function applyHistoryPatch(
  patch: HistoryPatch,
  processorId: string,
  history: readonly ChatMessage[],
): readonly ChatMessage[] {
  const next = patch.messages as ChatMessage[];
  const fail = (message: string): never => {
    throw new ProcessorContractError(processorId, 'turnStart', message);
  };
  if (next.length === 0 || next[0]?.role !== 'system' || next[0].content !== history[0]?.content) {
    fail('the system message must stay first and unchanged');
  }
  if (JSON.stringify(next.at(-1)) !== JSON.stringify(history.at(-1)))
    fail('the latest message must stay unchanged');
  const callIds = new Set<string>();
  for (const [index, message] of next.entries()) {
    if (index > 0 && message.role === 'system') fail(`messages[${index}] is a second system message`);
    if (message.role === 'assistant') for (const call of message.toolCalls ?? []) callIds.add(call.id);
    if (message.role === 'tool' && !callIds.has(message.toolCallId)) {
      fail(
        `messages[${index}] is a tool result whose call "${message.toolCallId}" is no longer in the history`,
      );
    }
  }
  return frozenCopy(next);
}

/**
 * Applies a request patch to this request's messages; appended user text is merged into one message.
 * `request.messages` starts as the frozen history itself (processors read it and the model gets it
 * without a copy per turn); the rare patch that rewrites a message writes to a copy.
 */
export function applyRequestPatch(
  patch: RequestPatch,
  processorId: string,
  request: { messages: readonly ChatMessage[]; appended: string[]; route: 'primary' | 'fallback' },
  historyLength: number,
): void {
  if (patch.lastUserContent !== undefined) {
    const last = request.messages[historyLength - 1];
    if (last?.role !== 'user') {
      throw new ProcessorContractError(
        processorId,
        'modelRequest',
        'lastUserContent set but the last message is not a user message',
      );
    }
    const messages = [...request.messages];
    messages[historyLength - 1] = Object.freeze({ ...last, content: patch.lastUserContent });
    request.messages = Object.freeze(messages);
  }
  if (patch.appendUserMessage !== undefined) request.appended.push(patch.appendUserMessage);
  if (patch.route !== undefined) request.route = patch.route;
}

export function buildRequestMessages(request: {
  messages: readonly ChatMessage[];
  appended: string[];
}): readonly ChatMessage[] {
  if (request.appended.length === 0) return request.messages;
  return [...request.messages, { role: 'user', content: request.appended.join('\n\n') }];
}

/**
 * The messages the model is sent (and the trace records): the request's messages in an array of
 * their own. Never the frozen history itself: on a frozen array, built-ins such as `filter`,
 * `slice` and `some` leave V8's fast paths and cost a model adapter several times as much. A
 * spread copies a frozen array at full speed.
 */
export function modelRequestMessages(request: {
  messages: readonly ChatMessage[];
  appended: string[];
}): ChatMessage[] {
  return [...buildRequestMessages(request)];
}
