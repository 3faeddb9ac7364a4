import { describe, expect, it } from 'vitest';
import { TransientError } from '../errors.ts';
import { runEpisode } from '../runtime/run-episode.ts';
import { ScriptedEnvironment, scriptedTool } from '../testing/scripted-environment.ts';
import { ScriptedModel } from '../testing/scripted-model.ts';
import {
  type FallbackState,
  modelFallback,
  modelFallbackOptionsSchema,
  nextRoute,
} from './model-fallback.ts';
import { processorEpisode } from './support/episode-test-kit.ts';
import { createHookContextDouble } from './support/hook-context-double.ts';

const defaults = modelFallbackOptionsSchema.parse({});

/** Routes of successive requests, given whether each previous call failed. */
function routes(previousFailed: boolean[], options = defaults): string[] {
  let state: FallbackState = { consecutiveErrors: 0, stickyLeft: 0 };
  return previousFailed.map((failed) => {
    const step = nextRoute(state, failed, options);
    state = step.state;
    return step.route;
  });
}

describe('nextRoute', () => {
  it('stays on the primary while calls succeed', () => {
    expect(routes([false, false, false])).toEqual(['primary', 'primary', 'primary']);
  });

  it('falls back after one failure for stickyTurns requests, then tries the primary again', () => {
    expect(routes([false, true, false, false, false, false])).toEqual([
      'primary',
      'fallback',
      'fallback',
      'fallback',
      'primary',
      'primary',
    ]);
  });

  it('waits for afterConsecutiveErrors failures in a row', () => {
    const options = { ...defaults, afterConsecutiveErrors: 2, stickyTurns: 1 };
    expect(routes([true, false, true, true, false], options)).toEqual([
      'primary',
      'primary',
      'primary',
      'fallback',
      'primary',
    ]);
  });
});

describe('model-fallback hook', () => {
  it('routes to the fallback after the previous call failed and says so once', async () => {
    const hooks = modelFallback.create(defaults);
    const failed = createHookContextDouble({ lastModelError: { type: 'TRANSIENT', message: 'overloaded' } });
    expect(await hooks.modelRequest?.({ ...failed, messages: [] })).toEqual({
      type: 'request',
      route: 'fallback',
    });
    expect(failed.emitted).toEqual([
      { name: 'model-fallback-started', attributes: { error: 'TRANSIENT', turns: 3 } },
    ]);
    const ok = createHookContextDouble();
    expect(await hooks.modelRequest?.({ ...ok, messages: [] })).toEqual({
      type: 'request',
      route: 'fallback',
    });
    expect(ok.emitted).toEqual([]);
  });
});

describe('model-fallback end to end', () => {
  const environment = () =>
    new ScriptedEnvironment({
      tools: [scriptedTool('look'), scriptedTool('finish')],
      handlers: {
        look(_args, env) {
          env.solved = true;
          return 'You see the answer.';
        },
      },
    });
  /** Test double of an endpoint that is down. */
  const downModel = () =>
    new ScriptedModel([{ error: new TransientError('503 service unavailable') }], {
      whenExhausted: 'repeat-last',
    });
  const workingModel = () =>
    new ScriptedModel(
      [
        { toolCalls: [{ name: 'look', arguments: '{}' }] },
        { toolCalls: [{ name: 'finish', arguments: '{}' }] },
      ],
      {
        provider: 'fallback-provider',
      },
    );

  it('ends in error when the primary is down without the processor, and finishes on the fallback with it', async () => {
    const without = await runEpisode(
      processorEpisode({ environment: environment(), model: downModel(), fallbackModel: workingModel() }),
    );
    expect(without.outcome).toBe('error');

    const fallback = workingModel();
    const routed = await runEpisode(
      processorEpisode({
        environment: environment(),
        model: downModel(),
        fallbackModel: fallback,
        processors: [{ id: 'model-fallback' }],
      }),
    );
    expect(routed.outcome).toBe('success');
    expect(fallback.calls).toHaveLength(2);
    expect(routed.trajectory.turns.map((turn) => turn.modelCall.provider)).toEqual([
      'scripted',
      'fallback-provider',
      'fallback-provider',
    ]);
  });
});
