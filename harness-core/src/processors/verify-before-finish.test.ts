import { describe, expect, it } from 'vitest';
import type { GenerateRequest } from '../providers/model.ts';
import { runEpisode } from '../runtime/run-episode.ts';
import { ScriptedEnvironment, scriptedTool } from '../testing/scripted-environment.ts';
import { ScriptedModel } from '../testing/scripted-model.ts';
import { processorEpisode } from './support/episode-test-kit.ts';
import { createHookContextDouble } from './support/hook-context-double.ts';
import { verifyBeforeFinish, verifyBeforeFinishOptionsSchema } from './verify-before-finish.ts';

const defaults = verifyBeforeFinishOptionsSchema.parse({});

describe('verify-before-finish hook', () => {
  const finishCall = (hooks: ReturnType<typeof verifyBeforeFinish.create>, name = 'finish') => {
    const ctx = createHookContextDouble({ instruction: 'put the apple in the fridge and close it' });
    return hooks.toolCall?.({ ...ctx, call: { id: 'f', name, arguments: '{}' }, tool: undefined });
  };

  it('intercepts the first finish call with the task and a request to check each condition', async () => {
    const hooks = verifyBeforeFinish.create(defaults);
    const patch = await finishCall(hooks);
    expect(patch).toMatchObject({ type: 'tool-call', action: 'intercept', isError: false });
    const text = (patch as { result: string }).result;
    expect(text).toContain('"put the apple in the fridge and close it"');
    expect(text).toMatch(/each condition/);
    expect(text).toContain('call finish again');
  });

  it('lets the second finish call through, and never touches other tools', async () => {
    const hooks = verifyBeforeFinish.create(defaults);
    expect(await finishCall(hooks, 'look')).toBeUndefined();
    expect(await finishCall(hooks)).toBeDefined();
    expect(await finishCall(hooks)).toBeUndefined();
  });

  it('honours a renamed finish tool and more checks', async () => {
    const hooks = verifyBeforeFinish.create({ ...defaults, finishTool: 'submit', maxChecks: 2 });
    expect(await finishCall(hooks)).toBeUndefined();
    expect(await finishCall(hooks, 'submit')).toBeDefined();
    expect(await finishCall(hooks, 'submit')).toBeDefined();
    expect(await finishCall(hooks, 'submit')).toBeUndefined();
  });
});

describe('verify-before-finish end to end', () => {
  const instruction = 'put the apple in the fridge and close the fridge';
  const environment = () =>
    new ScriptedEnvironment({
      tools: [
        scriptedTool('put', { object: 'string', target: 'string' }),
        scriptedTool('close', { target: 'string' }),
        scriptedTool('finish'),
      ],
      handlers: {
        put(_args, env) {
          env.state['inFridge'] = true;
          return 'You put the apple in the fridge.';
        },
        close(_args, env) {
          env.state['closed'] = true;
          return 'The fridge is closed.';
        },
      },
      score: (env) => {
        const success = env.done && env.state['inFridge'] === true && env.state['closed'] === true;
        return { success, reward: success ? 1 : 0 };
      },
    });

  /**
   * Test double of a model that declares success early, but checks the conditions of the task when
   * the task is put in front of it after it tried to finish.
   */
  const hastyModel = () =>
    new ScriptedModel(
      [
        { toolCalls: [{ name: 'put', arguments: '{"object": "apple", "target": "fridge"}' }] },
        { toolCalls: [{ name: 'finish', arguments: '{}' }] },
        (request: GenerateRequest) => {
          const last = request.messages.at(-1);
          const closed = request.messages.some((m) => m.role === 'tool' && m.name === 'close');
          return last?.role === 'tool' && /close the fridge/.test(last.content) && !closed
            ? { toolCalls: [{ name: 'close', arguments: '{"target": "fridge"}' }] }
            : { toolCalls: [{ name: 'finish', arguments: '{}' }] };
        },
        { toolCalls: [{ name: 'finish', arguments: '{}' }] },
      ],
      { whenExhausted: 'repeat-last' },
    );

  it('finishes with the fridge open without the processor, and closes it first with it', async () => {
    const without = await runEpisode(
      processorEpisode({ environment: environment(), model: hastyModel(), instruction }),
    );
    expect(without.outcome).toBe('failure');

    const env = environment();
    const verified = await runEpisode(
      processorEpisode({
        environment: env,
        model: hastyModel(),
        instruction,
        processors: [{ id: 'verify-before-finish' }],
      }),
    );
    expect(verified.outcome).toBe('success');
    expect(env.stepsOf('finish')).toHaveLength(1);
    expect(verified.trajectory.turns[1]?.toolCalls[0]?.resultSource).toBe('processor');
  });
});
