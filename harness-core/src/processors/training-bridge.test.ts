import { describe, expect, it } from 'vitest';
import { runEpisode } from '../runtime/run-episode.ts';
import { ScriptedEnvironment, scriptedTool } from '../testing/scripted-environment.ts';
import { ScriptedModel } from '../testing/scripted-model.ts';
import { processorEpisode } from './support/episode-test-kit.ts';
import { createHookContextDouble } from './support/hook-context-double.ts';
import {
  rewriteReason,
  trainingBridge,
  trainingBridgeOptionsSchema,
  trainingStatus,
} from './training-bridge.ts';

const defaults = trainingBridgeOptionsSchema.parse({});

describe('training-bridge pure core', () => {
  const sampled = { text: 'ok', toolCalls: [{ name: 'take', arguments: "{'object': 'apple'}" }] };

  it('finds no rewrite when the calls that ran are the sampled ones, even if later ones never ran', () => {
    expect(rewriteReason(sampled, { text: 'ok', toolCalls: [] }, defaults)).toBeUndefined();
    expect(rewriteReason(sampled, { text: 'ok', toolCalls: sampled.toolCalls }, defaults)).toBeUndefined();
  });

  it('names text, call and argument rewrites', () => {
    expect(rewriteReason(sampled, { text: 'changed', toolCalls: [] }, defaults)).toBe(
      'response-text-rewritten',
    );
    expect(
      rewriteReason(sampled, { text: 'ok', toolCalls: [{ name: 'look', arguments: '{}' }] }, defaults),
    ).toBe('tool-calls-rewritten');
    const repaired = { text: 'ok', toolCalls: [{ name: 'take', arguments: '{"object":"apple"}' }] };
    expect(rewriteReason(sampled, repaired, defaults)).toBe('tool-arguments-rewritten');
    expect(rewriteReason(sampled, repaired, { untrainOnArgumentRewrite: false })).toBeUndefined();
  });

  it('maps outcomes to dataset statuses, infrastructure failures apart', () => {
    expect(
      ['success', 'failure', 'budget-exhausted', 'interrupted', 'error', 'aborted'].map(trainingStatus),
    ).toEqual(['completed', 'completed', 'budget_exhausted', 'agent_error', 'infra_error', 'infra_error']);
  });

  it('runs before every other processor and only observes', async () => {
    expect(trainingBridge.order).toBe(-1);
    const hooks = trainingBridge.create(defaults);
    const ctx = createHookContextDouble();
    const response = { text: '', toolCalls: [], finishReason: 'stop' as const };
    expect(await hooks.modelResponse?.({ ...ctx, response })).toBeUndefined();
  });
});

describe('training-bridge end to end', () => {
  const environment = () =>
    new ScriptedEnvironment({
      tools: [scriptedTool('take', { object: 'string' }), scriptedTool('finish')],
      handlers: {
        take(_args, env) {
          env.solved = true;
          return 'You take the apple.';
        },
      },
    });
  const model = () =>
    new ScriptedModel([
      { toolCalls: [{ name: 'take', arguments: "{'object': 'apple'}" }] },
      { toolCalls: [{ name: 'finish', arguments: '{}' }] },
    ]);

  it('without it a repaired call looks like sampled output; with it that call is tagged not trainable', async () => {
    const untagged = await runEpisode(
      processorEpisode({
        environment: environment(),
        model: model(),
        processors: [{ id: 'tool-argument-repair' }],
      }),
    );
    expect(untagged.trajectory.events.some((event) => event.name.startsWith('training-'))).toBe(false);

    const tagged = await runEpisode(
      processorEpisode({
        environment: environment(),
        model: model(),
        processors: [{ id: 'tool-argument-repair' }, { id: 'training-bridge' }],
      }),
    );
    const calls = tagged.trajectory.events.filter((event) => event.name === 'training-call-tagged');
    expect(calls.map((event) => event.attributes)).toEqual([
      expect.objectContaining({ turn: 0, trainable: false, reason: 'tool-arguments-rewritten' }),
      expect.objectContaining({ turn: 1, trainable: true, reason: 'sampled' }),
    ]);
    const episode = tagged.trajectory.events.find((event) => event.name === 'training-episode-tagged');
    expect(episode?.attributes).toMatchObject({
      status: 'completed',
      eligible: true,
      trainableCalls: 1,
      untrainableCalls: 1,
    });
  });
});
