import { describe, expect, it } from 'vitest';
import type { ChatMessage } from '../providers/model.ts';
import { estimateMessagesTokens } from '../providers/model.ts';
import { applyHistoryPatch } from '../runtime/patches.ts';
import { runEpisode } from '../runtime/run-episode.ts';
import { ScriptedEnvironment, scriptedTool } from '../testing/scripted-environment.ts';
import { ScriptedModel } from '../testing/scripted-model.ts';
import { compactHistory, contextCompaction, contextCompactionOptionsSchema } from './context-compaction.ts';
import { processorEpisode } from './support/episode-test-kit.ts';
import { createHookContextDouble } from './support/hook-context-double.ts';

const defaults = contextCompactionOptionsSchema.parse({});

/** A history of `turns` read calls, each with a long result. */
function longHistory(turns: number, resultRepeats = 60): ChatMessage[] {
  const messages: ChatMessage[] = [
    { role: 'system', content: 'You are an agent.' },
    { role: 'user', content: 'Read every page, then finish.' },
  ];
  for (let i = 0; i < turns; i++) {
    messages.push({
      role: 'assistant',
      content: `Reading page ${i} now. ${'I think this is going well. '.repeat(10)}`,
      toolCalls: [{ id: `call_${i}`, name: 'read', arguments: `{"page":${i}}` }],
    });
    messages.push({
      role: 'tool',
      toolCallId: `call_${i}`,
      name: 'read',
      content: `Page ${i} says: ${'lorem ipsum '.repeat(resultRepeats)}`,
    });
  }
  return messages;
}

describe('compactHistory', () => {
  it('does nothing under the threshold', () => {
    expect(compactHistory(longHistory(1), defaults)).toBeUndefined();
  });

  it('keeps the system message, the task and the recent turns verbatim, and stubs older results', () => {
    const history = longHistory(8);
    const result = compactHistory(history, defaults);
    expect(result).toBeDefined();
    const compacted = result!.messages;
    expect(compacted).toHaveLength(history.length);
    expect(compacted.slice(0, 2)).toEqual(history.slice(0, 2));
    expect(compacted.slice(-6)).toEqual(history.slice(-6));
    const stub = compacted[3] as Extract<ChatMessage, { role: 'tool' }>;
    expect(stub.toolCallId).toBe('call_0');
    expect(stub.content).not.toContain('\n');
    expect(stub.content).toContain('read with page 0');
    expect(stub.content.length).toBeLessThan(120);
    expect(compacted[2]?.content.length).toBeLessThanOrEqual(defaults.assistantMaxChars + 3);
    expect(result!.tokensAfter).toBeLessThan(result!.tokensBefore * 0.7);
    expect(result!.stubbedToolCallIds).toEqual(['call_0', 'call_1', 'call_2', 'call_3', 'call_4']);
  });

  it('produces a history the runtime accepts: system first, last message kept, every result after its call', () => {
    const history = longHistory(8);
    const compacted = compactHistory(history, defaults)!.messages;
    expect(() =>
      applyHistoryPatch({ type: 'history', messages: compacted }, 'context-compaction', history),
    ).not.toThrow();
  });

  it('never re-stubs a stub, so repeated compaction is stable', () => {
    const once = compactHistory(longHistory(8), defaults)!;
    const again = compactHistory(once.messages, defaults, new Set(once.stubbedToolCallIds));
    expect(again).toBeUndefined();
  });

  it('leaves the history alone when there are no turns older than the recent ones', () => {
    const history = longHistory(3, 200);
    expect(estimateMessagesTokens(history)).toBeGreaterThan(defaults.maxContextTokens);
    expect(compactHistory(history, defaults)).toBeUndefined();
  });

  it('emits what it did from the turnStart hook', async () => {
    const hooks = contextCompaction.create(defaults);
    const ctx = createHookContextDouble();
    const patch = await hooks.turnStart?.({ ...ctx, messages: longHistory(8) });
    expect(patch).toMatchObject({ type: 'history' });
    expect(ctx.emitted[0]).toMatchObject({ name: 'context-compacted', attributes: { stubbed: 5 } });
  });
});

describe('context-compaction end to end', () => {
  const pages = 12;
  const environment = () =>
    new ScriptedEnvironment({
      tools: [scriptedTool('read', { page: 'integer' }), scriptedTool('finish')],
      handlers: {
        read(args, env) {
          if (args['page'] === pages - 1) env.solved = true;
          return `Page ${String(args['page'])}: ${'A long passage of text about the subject. '.repeat(20)}`;
        },
      },
    });
  /** Test double: reads the pages in order, then finishes. */
  const reader = () =>
    new ScriptedModel([
      ...Array.from({ length: pages }, (_, page) => ({
        toolCalls: [{ name: 'read', arguments: `{"page": ${page}}` }],
      })),
      { toolCalls: [{ name: 'finish', arguments: '{}' }] },
    ]);

  it('a long episode exceeds the token budget without the processor and completes within it with it', async () => {
    const budgets = { maxTokens: 14_000 };
    const without = await runEpisode(
      processorEpisode({ environment: environment(), model: reader(), budgets }),
    );
    expect(without.outcome).toBe('budget-exhausted');

    const model = reader();
    const compacted = await runEpisode(
      processorEpisode({
        environment: environment(),
        model,
        budgets,
        processors: [{ id: 'context-compaction' }],
      }),
    );
    expect(compacted.outcome).toBe('success');
    for (const request of model.calls) {
      const callIds = new Set(
        request.messages.flatMap((m) => (m.role === 'assistant' ? (m.toolCalls ?? []).map((c) => c.id) : [])),
      );
      for (const message of request.messages)
        if (message.role === 'tool') expect(callIds.has(message.toolCallId)).toBe(true);
      expect(request.messages[1]).toEqual({ role: 'user', content: 'put the apple in the fridge' });
    }
  });
});
