import { describe, expect, it } from 'vitest';
import type { GenerateRequest } from '../providers/model.ts';
import { runEpisode } from '../runtime/run-episode.ts';
import { ScriptedEnvironment, scriptedTool } from '../testing/scripted-environment.ts';
import { ScriptedModel } from '../testing/scripted-model.ts';
import { failureReflection, failureReflectionOptionsSchema, reflectOnFailure } from './failure-reflection.ts';
import { processorEpisode } from './support/episode-test-kit.ts';
import { createHookContextDouble } from './support/hook-context-double.ts';

const defaults = failureReflectionOptionsSchema.parse({});

describe('failure-reflection', () => {
  const annotate = (content: string, isError: boolean) =>
    failureReflection.create(defaults).toolResult?.({
      ...createHookContextDouble(),
      call: { id: 'c', name: 'take', arguments: '{"object":"apple","source":"fridge"}' },
      result: { content, isError },
      execute: async () => ({ content, isError }),
    });

  it('names the failed action in plain words and lists the generic reasons to check', () => {
    const text = reflectOnFailure(
      { name: 'take', arguments: '{"object":"apple","source":"fridge"}' },
      defaults,
    );
    expect(text).toContain('take with object "apple" and source "fridge" failed');
    for (const reason of ['location', 'object', 'closed', 'hands']) expect(text).toContain(reason);
  });

  it('annotates a failed result after its original text and keeps the error flag', async () => {
    const patch = (await annotate('Error: you cannot reach it.', true)) as {
      content: string;
      isError: boolean;
    };
    expect(patch.content.startsWith('Error: you cannot reach it.\n\n')).toBe(true);
    expect(patch.isError).toBe(true);
  });

  it('annotates prose failures and leaves successes alone', async () => {
    expect(await annotate('Nothing happens.', false)).toMatchObject({ type: 'tool-result', isError: false });
    expect(await annotate('You take the apple.', false)).toBeUndefined();
  });
});

describe('failure-reflection end to end', () => {
  const environment = () =>
    new ScriptedEnvironment({
      tools: [
        scriptedTool('take', { object: 'string', source: 'string' }),
        scriptedTool('open', { target: 'string' }),
        scriptedTool('finish'),
      ],
      handlers: {
        open(_args, env) {
          env.state['open'] = true;
          return 'You open the fridge. Inside is an apple.';
        },
        take(_args, env) {
          if (!env.state['open']) return 'Nothing happens.';
          env.solved = true;
          return 'You take the apple from the fridge.';
        },
      },
    });
  /** Test double of a model that retries a failed action blindly unless the result suggests why it failed. */
  const blindModel = () =>
    new ScriptedModel(
      [
        (request: GenerateRequest) => {
          const last = request.messages.at(-1);
          if (last?.role === 'tool' && last.content.startsWith('You take'))
            return { toolCalls: [{ name: 'finish', arguments: '{}' }] };
          if (last?.role === 'tool' && /closed/i.test(last.content))
            return { toolCalls: [{ name: 'open', arguments: '{"target": "fridge"}' }] };
          return { toolCalls: [{ name: 'take', arguments: '{"object": "apple", "source": "fridge"}' }] };
        },
      ],
      { whenExhausted: 'repeat-last' },
    );

  it('retries blindly until the budget runs out without the processor, and opens the fridge with it', async () => {
    const without = await runEpisode(
      processorEpisode({ environment: environment(), model: blindModel(), budgets: { maxTurns: 6 } }),
    );
    expect(without.outcome).toBe('budget-exhausted');

    const env = environment();
    const reflected = await runEpisode(
      processorEpisode({
        environment: env,
        model: blindModel(),
        budgets: { maxTurns: 6 },
        processors: [{ id: 'failure-reflection' }],
      }),
    );
    expect(reflected.outcome).toBe('success');
    expect(env.stepsOf('take')).toHaveLength(2);
  });
});
