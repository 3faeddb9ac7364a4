/**
 * `context-compaction`: long episodes fill the context with old tool output, which costs tokens
 * and pushes the task out of a small model's reach. Past `maxContextTokens` this processor keeps
 * the system message, the task and the last `keepRecentTurns` turns verbatim, turns older tool
 * results into one-line stubs and shortens older assistant text. Every message stays in place, so
 * each tool result still follows the call it answers.
 */
import { z } from 'zod';
import type { HistoryPatch } from '../harness/hooks.ts';
import { defineProcessor } from '../harness/processor.ts';
import {
  type ChatMessage,
  estimateMessagesTokens,
  estimateMessageTokens,
  type ToolCall,
} from '../providers/model.ts';
import { describeAction, fillTemplate } from './support/describe-action.ts';

/** Options of `context-compaction`; every field has a default, so `{}` parses. */
export const contextCompactionOptionsSchema = z
  .object({
    /** Compact only when the history is estimated above this many tokens. */
    maxContextTokens: z.number().int().min(100).default(1500).describe('Compact above this many tokens.'),
    /** Turns (an assistant message with its tool results) at the end that stay verbatim. */
    keepRecentTurns: z.number().int().min(1).max(100).default(3).describe('Recent turns kept verbatim.'),
    /** Older assistant text is cut to this many characters (its tool calls are kept). */
    assistantMaxChars: z
      .number()
      .int()
      .min(0)
      .default(160)
      .describe('Older assistant text is cut to this length.'),
    /** Characters of an older result's first line kept in its stub; 0 keeps none. */
    stubPreviewChars: z
      .number()
      .int()
      .min(0)
      .max(500)
      .default(60)
      .describe("Characters of an old result's first line kept."),
    /** Stub for an older tool result; `{action}` and `{preview}` are filled in. */
    stubTemplate: z
      .string()
      .min(1)
      .default('[older result of {action} compacted: {preview}]')
      .describe('Stub for an older tool result; {action}, {preview}.'),
  })
  .strict();

/** `context-compaction` options with defaults filled in. */
export type ContextCompactionOptions = z.output<typeof contextCompactionOptionsSchema>;

/** A compacted history and what the compaction did. */
export interface CompactionResult {
  messages: ChatMessage[];
  /** Tool-call ids whose results are now stubs. */
  stubbedToolCallIds: string[];
  tokensBefore: number;
  tokensAfter: number;
}

function shorten(text: string, maxChars: number): string {
  return text.length > maxChars ? `${text.slice(0, maxChars)}...` : text;
}

/**
 * Compacts `messages` (pure); returns `undefined` when under the threshold or when nothing older
 * than the recent turns is left to compact. `alreadyStubbed` keeps stubs from being re-stubbed.
 */
export function compactHistory(
  messages: readonly ChatMessage[],
  options: ContextCompactionOptions,
  alreadyStubbed: ReadonlySet<string> = new Set(),
): CompactionResult | undefined {
  const tokensBefore = estimateMessagesTokens(messages);
  if (tokensBefore <= options.maxContextTokens) return undefined;
  const firstUser = messages.findIndex((message) => message.role === 'user');
  const assistantIndices = messages.flatMap((message, index) =>
    message.role === 'assistant' && index > firstUser ? [index] : [],
  );
  const recentStart = assistantIndices[assistantIndices.length - options.keepRecentTurns];
  if (firstUser === -1 || recentStart === undefined) return undefined;

  const callsById = new Map<string, ToolCall>();
  for (const message of messages) {
    if (message.role === 'assistant')
      for (const call of message.toolCalls ?? []) callsById.set(call.id, call);
  }
  const stubbedToolCallIds: string[] = [];
  let changed = false;
  const compacted = messages.map((message, index): ChatMessage => {
    if (index <= firstUser || index >= recentStart) return message;
    if (message.role === 'tool' && !alreadyStubbed.has(message.toolCallId)) {
      const call = callsById.get(message.toolCallId);
      const action = describeAction(message.name, call?.arguments ?? '');
      const firstLine = message.content.trim().split('\n')[0] ?? '';
      const preview = options.stubPreviewChars > 0 ? shorten(firstLine, options.stubPreviewChars) : '';
      const content = fillTemplate(options.stubTemplate, { action, preview });
      stubbedToolCallIds.push(message.toolCallId);
      if (content.length >= message.content.length) return message;
      changed = true;
      return { ...message, content };
    }
    if (message.role === 'assistant' && message.content.length > options.assistantMaxChars) {
      changed = true;
      return { ...message, content: shorten(message.content, options.assistantMaxChars) };
    }
    return message;
  });
  if (!changed) return undefined;
  return {
    messages: compacted,
    stubbedToolCallIds,
    tokensBefore,
    tokensAfter: estimateMessagesTokens(compacted),
  };
}

/**
 * Tokens of `messages`, given that `previous` (an earlier snapshot of the history, `frozen` when
 * it was seen) had `previousTokens`. The runtime's histories are frozen arrays of deep-frozen
 * messages, so when `messages` starts with the same message objects only the messages after them
 * need estimating; anything else (a patched or unfrozen history) is estimated in full. Both are
 * plain copies: reading a frozen array's elements one by one costs V8 several times as much as
 * reading a plain array's, and a spread copies a frozen array at full speed.
 */
function extendEstimate(
  messages: readonly ChatMessage[],
  previous: readonly ChatMessage[],
  frozen: boolean,
  previousTokens: number,
): number {
  let unchanged = frozen && messages.length >= previous.length;
  for (let index = 0; unchanged && index < previous.length; index++)
    unchanged = messages[index] === previous[index];
  let total = unchanged ? previousTokens : 0;
  for (let index = unchanged ? previous.length : 0; index < messages.length; index++) {
    total += estimateMessageTokens(messages[index]!);
  }
  return total;
}

/** The `context-compaction` processor (see the module comment for the failure it fixes). */
export const contextCompaction = defineProcessor<ContextCompactionOptions>({
  id: 'context-compaction',
  version: 1,
  description:
    'Past a token threshold, keeps the system message, the task and the recent turns verbatim and replaces older tool results with one-line stubs.',
  dimension: 'context-compaction',
  singletonGroup: 'compaction',
  optionsSchema: contextCompactionOptionsSchema,
  create(options) {
    const stubbed = new Set<string>();
    // The history grows by a few messages a turn, so the estimate of the turn before is kept and
    // only new messages are added; any other change (a patch) is estimated afresh.
    let counted: readonly ChatMessage[] = [];
    let countedFrozen = false;
    let countedTokens = 0;
    return {
      turnStart(args): HistoryPatch | undefined {
        const messages = [...args.messages];
        countedTokens = extendEstimate(messages, counted, countedFrozen, countedTokens);
        counted = messages;
        countedFrozen = Object.isFrozen(args.messages);
        // The same test `compactHistory` starts with, made here without re-estimating everything.
        if (countedTokens <= options.maxContextTokens) return undefined;
        const result = compactHistory(args.messages, options, stubbed);
        if (!result) return undefined;
        for (const id of result.stubbedToolCallIds) stubbed.add(id);
        args.emit('context-compacted', {
          tokensBefore: result.tokensBefore,
          tokensAfter: result.tokensAfter,
          stubbed: result.stubbedToolCallIds.length,
        });
        return { type: 'history', messages: result.messages };
      },
    };
  },
});
