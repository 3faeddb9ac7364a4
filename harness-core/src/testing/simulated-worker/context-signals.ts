/**
 * What the worker reads from the shape of its context rather than from world sentences: the last
 * call and its result, whether a failure's repetition is visible, whether an error states the
 * tool's parameters, and whether it is asked to plan. All of it is information a real model could
 * use; none of it keys on a processor name or a fixed header.
 */
import type { ChatMessage, ToolCall, ToolDefinition } from '../../providers/model.ts';
import { tokensAfterEach } from './perception.ts';

/** A tool call the worker made, with the result it got (when there is one) and its distance from the end. */
export interface AnsweredCall {
  readonly call: ToolCall;
  readonly result: Extract<ChatMessage, { role: 'tool' }> | undefined;
  readonly distance: number;
}

export interface ContextSignals {
  /** Calls in order, each with its result. */
  readonly calls: readonly AnsweredCall[];
  /** The most recent tool result and the call it answers. */
  readonly last: AnsweredCall | undefined;
  /** Non-assistant messages with their distance from the end. */
  readonly others: readonly { message: ChatMessage; distance: number }[];
}

export function readContextSignals(messages: readonly ChatMessage[]): ContextSignals {
  const after = tokensAfterEach(messages);
  const calls: AnsweredCall[] = [];
  const others: { message: ChatMessage; distance: number }[] = [];
  const results = new Map<string, Extract<ChatMessage, { role: 'tool' }>>();
  for (const message of messages) if (message.role === 'tool') results.set(message.toolCallId, message);
  let last: AnsweredCall | undefined;
  messages.forEach((message, index) => {
    const distance = after[index] ?? 0;
    if (message.role === 'assistant') {
      for (const call of message.toolCalls ?? [])
        calls.push({ call, result: results.get(call.id), distance });
    } else {
      others.push({ message, distance });
    }
    if (message.role === 'tool') {
      const answered = calls.find((entry) => entry.call.id === message.toolCallId);
      if (answered) last = answered;
    }
  });
  return { calls, last, others };
}

/** Whether a result says the action was impossible (the text world's `Nothing happens.`). */
export function isFailedResult(content: string | undefined): boolean {
  return content !== undefined && /\bnothing happens\./i.test(content);
}

/** A call's identity for repetition: its name and its arguments with sorted keys (or raw text). */
export function callKey(name: string, argumentsText: string): string {
  try {
    const parsed: unknown = JSON.parse(argumentsText);
    if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)) {
      const sorted = Object.keys(parsed)
        .sort()
        .map((key) => [key, (parsed as Record<string, unknown>)[key]]);
      return `${name} ${JSON.stringify(sorted)}`;
    }
  } catch {
    // Not JSON: the raw text is the identity.
  }
  return `${name} ${argumentsText.trim()}`;
}

function argumentValues(argumentsText: string): string[] {
  try {
    const parsed: unknown = JSON.parse(argumentsText);
    if (parsed !== null && typeof parsed === 'object')
      return Object.values(parsed).map((value) => String(value));
  } catch {
    // Unparseable arguments have no values to mention.
  }
  return [];
}

/** Whether `text` mentions the action: its tool name (`go_to` or `go to`) and every argument value. */
export function mentionsAction(text: string, name: string, argumentsText: string): boolean {
  const lowered = text.toLowerCase();
  const names = [name.toLowerCase(), name.toLowerCase().replace(/_/g, ' ')];
  const namePresent = names.some((candidate) =>
    new RegExp(`(^|[^a-z_])${candidate.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}($|[^a-z_])`).test(lowered),
  );
  return namePresent && argumentValues(argumentsText).every((value) => lowered.includes(value.toLowerCase()));
}

/**
 * Whether the repetition of a failed call is visible within `window` tokens: the same call failed
 * there at least `count` times, or a non-assistant message in view mentions the action.
 */
export function isRepetitionVisible(
  signals: ContextSignals,
  call: { name: string; arguments: string },
  window: number,
  count: number,
): boolean {
  const key = callKey(call.name, call.arguments);
  const failures = signals.calls.filter(
    (entry) =>
      entry.distance <= window &&
      isFailedResult(entry.result?.content) &&
      callKey(entry.call.name, entry.call.arguments) === key,
  ).length;
  if (failures >= count) return true;
  return signals.others.some(
    ({ message, distance }) =>
      (message.role === 'system' || distance <= window) &&
      mentionsAction(message.content, call.name, call.arguments),
  );
}

/**
 * Whether an error states the expected arguments of `tool`: every parameter name appears as a word.
 * Quoted echoes of the bad input (`"{'object': ..."`) are ignored, since they state nothing.
 */
export function errorNamesParameters(text: string, tool: ToolDefinition | undefined): boolean {
  const properties = tool?.parameters['properties'];
  const names = properties !== null && typeof properties === 'object' ? Object.keys(properties) : [];
  if (names.length === 0) return false;
  const stripped = text.replace(/"\{[^"]*"(?:\.\.\.)?/g, ' ').replace(/'[^']*'/g, ' ');
  return names.every((name) => new RegExp(`(^|[^A-Za-z0-9_])${name}($|[^A-Za-z0-9_])`).test(stripped));
}

/** Whether the system prompt or the latest user message asks for a plan. */
export function isPlanRequested(messages: readonly ChatMessage[]): boolean {
  const asksForPlan = (text: string) => /\bplan(?:s|ning|ned)?\b/i.test(text);
  const latestUser = [...messages].reverse().find((message) => message.role === 'user');
  return (
    messages.some((message) => message.role === 'system' && asksForPlan(message.content)) ||
    (latestUser !== undefined && asksForPlan(latestUser.content))
  );
}
