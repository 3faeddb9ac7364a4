import { describe, expect, it } from 'vitest';
import type { ChatMessage, GenerateRequest } from '../providers/model.ts';
import { runEpisode } from '../runtime/run-episode.ts';
import { ScriptedEnvironment, scriptedTool } from '../testing/scripted-environment.ts';
import { ScriptedModel } from '../testing/scripted-model.ts';
import { loopGuard, loopGuardOptionsSchema } from './loop-guard.ts';
import { processorEpisode } from './support/episode-test-kit.ts';
import { createHookContextDouble } from './support/hook-context-double.ts';

const defaults = loopGuardOptionsSchema.parse({});

/** Feeds one tool result to the hooks at `turn`, then asks for the next request's patch. */
function driver(options = defaults) {
  const hooks = loopGuard.create(options);
  return {
    hooks,
    result(turn: number, name: string, args: string, content: string, isError: boolean) {
      const ctx = createHookContextDouble({ turn });
      return hooks.toolResult?.({
        ...ctx,
        call: { id: `c${turn}`, name, arguments: args },
        result: { content, isError },
        execute: async () => ({ content, isError }),
      });
    },
    request(turn: number) {
      const ctx = createHookContextDouble({ turn });
      return { patch: hooks.modelRequest?.({ ...ctx, messages: [] }), ctx };
    },
  };
}

describe('loop-guard hooks', () => {
  it('nudges after the same call failed twice, naming the action, its arguments and the failure', async () => {
    const guard = driver();
    guard.result(0, 'open', '{"target":"drawer"}', 'Error: the drawer is locked.', true);
    expect(await guard.request(1).patch).toBeUndefined();
    guard.result(1, 'open', '{ "target": "drawer" }', 'Error: the drawer is locked.', true);
    const patch = await guard.request(2).patch;
    expect(patch).toMatchObject({ type: 'request' });
    const text = (patch as { appendUserMessage: string }).appendUserMessage;
    expect(text).toContain('open with target "drawer"');
    expect(text).toContain('2 times');
    expect(text).toContain('the drawer is locked');
  });

  it('stops nudging once the model does something else, and counts arguments, not spacing', async () => {
    const guard = driver();
    guard.result(0, 'open', '{"target":"drawer"}', 'Error: locked', true);
    guard.result(1, 'open', '{"target":"drawer"}', 'Error: locked', true);
    guard.result(2, 'look', '{}', 'You see a drawer and a key.', false);
    expect(await guard.request(3).patch).toBeUndefined();
    guard.result(3, 'open', '{"target":"cabinet"}', 'Error: locked', true);
    expect(await guard.request(4).patch).toBeUndefined();
  });

  it('forgets the failures of a call once it succeeds', async () => {
    const guard = driver();
    guard.result(0, 'open', '{"target":"drawer"}', 'Error: locked', true);
    guard.result(1, 'open', '{"target":"drawer"}', 'The drawer opens.', false);
    guard.result(2, 'open', '{"target":"drawer"}', 'Error: it is already open', true);
    expect(await guard.request(3).patch).toBeUndefined();
  });

  it('treats an environment that reports failure in prose as a failure', async () => {
    const guard = driver();
    guard.result(0, 'open', '{"target":"drawer"}', 'Nothing happens.', false);
    guard.result(1, 'open', '{"target":"drawer"}', 'Nothing happens.', false);
    expect(await guard.request(2).patch).toMatchObject({ type: 'request' });
  });

  it('nudges on the same successful call repeated maxIdenticalCalls times in a row', async () => {
    const guard = driver();
    for (let turn = 0; turn < 3; turn++) guard.result(turn, 'look', '{}', 'You see a drawer.', false);
    expect(await guard.request(3).patch).toBeUndefined();
    guard.result(3, 'look', '{}', 'You see a drawer.', false);
    const patch = (await guard.request(4).patch) as { appendUserMessage: string };
    expect(patch.appendUserMessage).toContain('look');
    expect(patch.appendUserMessage).toContain('4 times in a row');
  });

  it('interrupts when interruptAfter failures of one call are reached', async () => {
    const guard = driver({ ...defaults, interruptAfter: 3 });
    for (let turn = 0; turn < 3; turn++)
      guard.result(turn, 'open', '{"target":"drawer"}', 'Error: locked', true);
    const { patch, ctx } = guard.request(3);
    expect(await patch).toMatchObject({ type: 'interrupt' });
    expect(ctx.emitted[0]?.name).toBe('loop-interrupted');
  });
});

describe('loop-guard end to end', () => {
  const environment = () =>
    new ScriptedEnvironment({
      tools: [
        scriptedTool('open', { target: 'string' }),
        scriptedTool('unlock', { target: 'string' }),
        scriptedTool('finish'),
      ],
      handlers: {
        open(_args, env) {
          if (!env.state['unlocked']) return { content: 'Error: the drawer is locked.', isError: true };
          env.solved = true;
          return 'The drawer is open. Inside is a key.';
        },
        unlock(_args, env) {
          env.state['unlocked'] = true;
          return 'You unlock the drawer.';
        },
      },
    });

  /**
   * Test double of a model that repeats a failed action until its context says, after the last
   * result, that this very action keeps failing.
   */
  const loopingModel = () =>
    new ScriptedModel(
      [
        (request: GenerateRequest) => {
          const messages = request.messages;
          const lastTool = [...messages]
            .reverse()
            .find((m): m is Extract<ChatMessage, { role: 'tool' }> => m.role === 'tool');
          const afterLastTool = messages.slice(messages.lastIndexOf(lastTool as ChatMessage) + 1);
          const toldItFails = afterLastTool.some(
            (m) =>
              m.role === 'user' &&
              m.content.includes('open') &&
              m.content.includes('drawer') &&
              /fail/i.test(m.content),
          );
          if (lastTool?.name === 'open' && !lastTool.isError)
            return { toolCalls: [{ name: 'finish', arguments: '{}' }] };
          if (lastTool?.name === 'unlock' || !toldItFails)
            return { toolCalls: [{ name: 'open', arguments: '{"target": "drawer"}' }] };
          return { toolCalls: [{ name: 'unlock', arguments: '{"target": "drawer"}' }] };
        },
      ],
      { whenExhausted: 'repeat-last' },
    );

  it('loops until the turn budget runs out without the processor, and recovers with it', async () => {
    const without = await runEpisode(
      processorEpisode({ environment: environment(), model: loopingModel(), budgets: { maxTurns: 8 } }),
    );
    expect(without.outcome).toBe('budget-exhausted');

    const env = environment();
    const guarded = await runEpisode(
      processorEpisode({
        environment: env,
        model: loopingModel(),
        budgets: { maxTurns: 8 },
        processors: [{ id: 'loop-guard' }],
      }),
    );
    expect(guarded.outcome).toBe('success');
    expect(env.stepsOf('open').filter((step) => step.result.isError)).toHaveLength(2);
    expect(env.stepsOf('unlock')).toHaveLength(1);
  });
});
