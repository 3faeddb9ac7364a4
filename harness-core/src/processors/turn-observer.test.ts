import { describe, expect, it } from 'vitest';
import { runEpisode } from '../runtime/run-episode.ts';
import { ScriptedEnvironment, scriptedTool } from '../testing/scripted-environment.ts';
import { ScriptedModel } from '../testing/scripted-model.ts';
import { processorEpisode } from './support/episode-test-kit.ts';
import { createHookContextDouble } from './support/hook-context-double.ts';
import { turnObserver, turnObserverOptionsSchema } from './turn-observer.ts';

const defaults = turnObserverOptionsSchema.parse({});

describe('turn-observer hooks', () => {
  it('counts tool errors and repeated actions per turn and in total, and returns no patch', async () => {
    const hooks = turnObserver.create(defaults);
    const ctx = createHookContextDouble({ usage: { inputTokens: 120, outputTokens: 30 } });
    const open = { name: 'open', arguments: '{"target":"drawer"}', result: 'Error: locked', isError: true };
    expect(await hooks.turnEnd?.({ ...ctx, record: { text: '', toolCalls: [open] } })).toBeUndefined();
    await hooks.turnEnd?.({
      ...ctx,
      record: {
        text: '',
        toolCalls: [
          { ...open, arguments: '{ "target": "drawer" }' },
          { ...open, name: 'look', isError: false },
        ],
      },
    });
    await hooks.turnEnd?.({
      ...ctx,
      record: { text: '', toolCalls: [], modelError: { type: 'TRANSIENT', message: 'x' } },
    });
    expect(await hooks.taskEnd?.({ ...ctx, outcome: 'failure', success: false, reward: 0 })).toBeUndefined();
    expect(ctx.emitted.map((event) => event.name)).toEqual([
      'turn-observed',
      'turn-observed',
      'turn-observed',
      'episode-observed',
    ]);
    expect(ctx.emitted[1]?.attributes).toMatchObject({ toolCalls: 2, toolErrors: 1, repeatedActions: 1 });
    expect(ctx.emitted[2]?.attributes).toMatchObject({ modelError: true });
    expect(ctx.emitted[3]?.attributes).toMatchObject({
      outcome: 'failure',
      toolCalls: 3,
      toolErrors: 2,
      repeatedActions: 1,
      distinctActions: 2,
      modelErrors: 1,
      inputTokens: 120,
    });
  });

  it('emits only the episode summary when perTurn is off', async () => {
    const hooks = turnObserver.create({ perTurn: false });
    const ctx = createHookContextDouble();
    await hooks.turnEnd?.({ ...ctx, record: { text: '', toolCalls: [] } });
    await hooks.taskEnd?.({ ...ctx, outcome: 'success', success: true, reward: 1 });
    expect(ctx.emitted.map((event) => event.name)).toEqual(['episode-observed']);
  });
});

describe('turn-observer end to end', () => {
  const environment = () =>
    new ScriptedEnvironment({
      tools: [scriptedTool('open', { target: 'string' }), scriptedTool('finish')],
      handlers: { open: () => ({ content: 'Error: the drawer is locked.', isError: true }) },
    });
  const model = () =>
    new ScriptedModel([
      { toolCalls: [{ name: 'open', arguments: '{"target": "drawer"}' }] },
      { toolCalls: [{ name: 'open', arguments: '{"target": "drawer"}' }] },
      { toolCalls: [{ name: 'finish', arguments: '{}' }] },
    ]);

  it('without the processor the trace has no loop signals; with it they are counted, and nothing else changes', async () => {
    const plainModel = model();
    const plain = await runEpisode(processorEpisode({ environment: environment(), model: plainModel }));
    expect(plain.trajectory.events.filter((event) => event.name.endsWith('-observed'))).toEqual([]);

    const observedModel = model();
    const observed = await runEpisode(
      processorEpisode({
        environment: environment(),
        model: observedModel,
        processors: [{ id: 'turn-observer' }],
      }),
    );
    const summary = observed.trajectory.events.find((event) => event.name === 'episode-observed');
    expect(summary?.attributes).toMatchObject({
      toolCalls: 3,
      toolErrors: 2,
      repeatedActions: 1,
      turns: 3,
      outcome: 'failure',
    });
    expect(observed.trajectory.events.filter((event) => event.name === 'turn-observed')).toHaveLength(3);
    expect(observed.outcome).toBe(plain.outcome);
    expect(observedModel.calls.map((call) => call.messages)).toEqual(
      plainModel.calls.map((call) => call.messages),
    );
  });
});
