import { describe, expect, it } from 'vitest';
import type { GenerateRequest } from '../providers/model.ts';
import { runEpisode } from '../runtime/run-episode.ts';
import { ScriptedEnvironment, scriptedTool } from '../testing/scripted-environment.ts';
import { ScriptedModel } from '../testing/scripted-model.ts';
import { budgetGuard, budgetGuardOptionsSchema, budgetStanding } from './budget-guard.ts';
import { processorEpisode } from './support/episode-test-kit.ts';
import { createHookContextDouble } from './support/hook-context-double.ts';

const defaults = budgetGuardOptionsSchema.parse({});
const messages = [
  { role: 'system' as const, content: 'You are an agent.' },
  { role: 'user' as const, content: 'Do the task.' },
];

describe('budget-guard hook', () => {
  const request = (overrides: Parameters<typeof createHookContextDouble>[0], options = defaults) => {
    const ctx = createHookContextDouble({ messages, ...overrides });
    return { ctx, patch: budgetGuard.create(options).modelRequest?.({ ...ctx, messages }) };
  };

  it('says nothing while the budgets are far from spent', async () => {
    expect(await request({ turn: 2, budgets: { maxTurns: 30 } }).patch).toBeUndefined();
  });

  it('warns with the turns and tokens left when few turns remain', async () => {
    const { patch, ctx } = request({
      turn: 28,
      budgets: { maxTurns: 30, maxTokens: 10_000 },
      usage: { inputTokens: 1000 },
    });
    const text = ((await patch) as { appendUserMessage: string }).appendUserMessage;
    expect(text).toContain('2 turns');
    expect(text).toMatch(/about \d+ tokens/);
    expect(ctx.emitted[0]).toMatchObject({ name: 'budget-warned', attributes: { turnsLeft: 2 } });
  });

  it('warns when the token budget is nearly spent even with turns to spare', async () => {
    const { patch } = request({
      turn: 1,
      budgets: { maxTurns: 30, maxTokens: 10_000 },
      usage: { inputTokens: 8_000, outputTokens: 700 },
    });
    expect(await patch).toMatchObject({
      type: 'request',
      appendUserMessage: expect.stringContaining('29 turns'),
    });
  });

  it('interrupts before a request would leave less than the reserve', async () => {
    const standing = budgetStanding(createHookContextDouble().episode, messages);
    const maxTokens = 1_000;
    const used = maxTokens - standing.requestTokens - defaults.reserveTokens + 1;
    const { patch } = request({ budgets: { maxTokens }, usage: { inputTokens: used } });
    expect(await patch).toMatchObject({ type: 'interrupt' });
    const { patch: justEnough } = request({ budgets: { maxTokens }, usage: { inputTokens: used - 1 } });
    expect(await justEnough).not.toMatchObject({ type: 'interrupt' });
  });
});

describe('budget-guard end to end', () => {
  const environment = () =>
    new ScriptedEnvironment({
      tools: [scriptedTool('look'), scriptedTool('finish')],
      handlers: {
        look(_args, env) {
          env.solved = true;
          return `You look around. ${'The room is full of details. '.repeat(14)}`;
        },
      },
    });

  /** Test double of a model that keeps exploring unless its context says only a few turns are left. */
  const thoroughModel = () =>
    new ScriptedModel(
      [
        (request: GenerateRequest) => {
          const last = request.messages.at(-1);
          const turnsLeft = last?.role === 'user' ? /(\d+) turns?\b/.exec(last.content)?.[1] : undefined;
          return turnsLeft !== undefined && Number(turnsLeft) <= 3
            ? { toolCalls: [{ name: 'finish', arguments: '{}' }] }
            : { toolCalls: [{ name: 'look', arguments: '{}' }] };
        },
      ],
      { whenExhausted: 'repeat-last' },
    );

  it('runs out of turns without the processor, and finishes in time with it', async () => {
    const without = await runEpisode(
      processorEpisode({ environment: environment(), model: thoroughModel(), budgets: { maxTurns: 6 } }),
    );
    expect(without.outcome).toBe('budget-exhausted');

    const guarded = await runEpisode(
      processorEpisode({
        environment: environment(),
        model: thoroughModel(),
        budgets: { maxTurns: 6 },
        processors: [{ id: 'budget-guard' }],
      }),
    );
    expect(guarded.outcome).toBe('success');
    expect(guarded.usage.turns).toBe(4);
  });

  it('overspends the token budget without the processor, and stops within it with it', async () => {
    const maxTokens = 2_000;
    const exploringModel = () =>
      new ScriptedModel([{ toolCalls: [{ name: 'look', arguments: '{}' }] }], {
        whenExhausted: 'repeat-last',
      });
    const without = await runEpisode(
      processorEpisode({ environment: environment(), model: exploringModel(), budgets: { maxTokens } }),
    );
    expect(without.usage.inputTokens + without.usage.outputTokens).toBeGreaterThan(maxTokens);

    const guarded = await runEpisode(
      processorEpisode({
        environment: environment(),
        model: exploringModel(),
        budgets: { maxTokens },
        processors: [{ id: 'budget-guard', options: { reserveTokens: 50, warnTokensLeftFraction: 0 } }],
      }),
    );
    expect(guarded.outcome).toBe('interrupted');
    expect(guarded.usage.inputTokens + guarded.usage.outputTokens).toBeLessThanOrEqual(maxTokens);
  });
});
