import { describe, expect, it } from 'vitest';
import type { GenerateRequest } from '../providers/model.ts';
import { runEpisode } from '../runtime/run-episode.ts';
import { ScriptedEnvironment, scriptedTool } from '../testing/scripted-environment.ts';
import { ScriptedModel } from '../testing/scripted-model.ts';
import { goalPin, goalPinOptionsSchema, pinGoal } from './goal-pin.ts';
import { processorEpisode } from './support/episode-test-kit.ts';
import { createHookContextDouble } from './support/hook-context-double.ts';

const defaults = goalPinOptionsSchema.parse({});

describe('pinGoal', () => {
  it('appends the instruction to the system prompt by default', () => {
    expect(pinGoal('You are an agent.', ' put the apple in the fridge ', defaults)).toBe(
      'You are an agent.\n\nYour task: put the apple in the fridge',
    );
  });

  it('can put it first, and stands alone when the prompt is empty', () => {
    expect(pinGoal('You are an agent.', 'x', { ...defaults, position: 'start' })).toBe(
      'Your task: x\n\nYou are an agent.',
    );
    expect(pinGoal('', 'x', defaults)).toBe('Your task: x');
  });

  it('patches the system prompt at task start from the episode task', async () => {
    const ctx = createHookContextDouble({ instruction: 'heat the soup' });
    const patch = await goalPin
      .create(defaults)
      .taskStart?.({ ...ctx, systemPrompt: 'Be brief.', tools: [] });
    expect(patch).toEqual({ type: 'task-start', systemPrompt: 'Be brief.\n\nYour task: heat the soup' });
  });
});

describe('goal-pin end to end', () => {
  const instruction = 'put the apple in the fridge';
  const environment = () =>
    new ScriptedEnvironment({
      tools: [
        scriptedTool('take', { object: 'string' }),
        scriptedTool('put', { object: 'string', target: 'string' }),
        scriptedTool('finish'),
      ],
      handlers: {
        take: (args) => `You take the ${String(args['object'])}.`,
        put(args, env) {
          env.solved = args['object'] === 'apple' && args['target'] === 'fridge';
          return `You put the ${String(args['object'])} in the ${String(args['target'])}.`;
        },
      },
    });

  /**
   * Test double with positional recall: it knows the goal only while the goal's text is in the
   * system prompt or its last two messages; otherwise it believes it is done.
   */
  const shortMemoryModel = () =>
    new ScriptedModel(
      [
        (request: GenerateRequest) => {
          const visible = [request.messages[0], ...request.messages.slice(-2)]
            .map((m) => m?.content ?? '')
            .join('\n');
          const goal = /put the (\w+) in the (\w+)/.exec(visible);
          const last = request.messages.at(-1)?.content ?? '';
          if (!goal || last.startsWith('You put'))
            return { toolCalls: [{ name: 'finish', arguments: '{}' }] };
          if (last.startsWith('You take'))
            return {
              toolCalls: [{ name: 'put', arguments: JSON.stringify({ object: goal[1], target: goal[2] }) }],
            };
          return { toolCalls: [{ name: 'take', arguments: JSON.stringify({ object: goal[1] }) }] };
        },
      ],
      { whenExhausted: 'repeat-last' },
    );

  it('loses the goal after one step without the processor, and completes it with it', async () => {
    const without = await runEpisode(
      processorEpisode({ environment: environment(), model: shortMemoryModel(), instruction }),
    );
    expect(without.outcome).toBe('failure');

    const pinned = await runEpisode(
      processorEpisode({
        environment: environment(),
        model: shortMemoryModel(),
        instruction,
        processors: [{ id: 'goal-pin' }],
      }),
    );
    expect(pinned.outcome).toBe('success');
  });
});
