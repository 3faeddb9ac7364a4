import { describe, expect, it } from 'vitest';
import type { GenerateRequest } from '../providers/model.ts';
import { runEpisode } from '../runtime/run-episode.ts';
import { ScriptedEnvironment, scriptedTool } from '../testing/scripted-environment.ts';
import { ScriptedModel } from '../testing/scripted-model.ts';
import {
  type ObservationEntry,
  observationsInView,
  renderObservationMemory,
  stateTrackerMemory,
  stateTrackerMemoryOptionsSchema,
} from './state-tracker-memory.ts';
import { processorEpisode } from './support/episode-test-kit.ts';
import { createHookContextDouble } from './support/hook-context-double.ts';

const defaults = stateTrackerMemoryOptionsSchema.parse({});

describe('renderObservationMemory', () => {
  const entries: ObservationEntry[] = [
    { action: 'open with target "drawer"', observation: 'Inside the drawer is a key.', sequence: 0 },
    { action: 'look', observation: 'You see a table and a drawer.', sequence: 1 },
  ];

  it('lists observations verbatim, latest first, and the current location before them', () => {
    const location = { action: 'go_to with target "hall"', observation: 'You are in the hall.', sequence: 2 };
    const text = renderObservationMemory([...entries, location], location, defaults)!;
    const lines = text.split('\n');
    expect(lines[0]).toBe(defaults.header);
    expect(lines[1]).toContain('You are in the hall.');
    expect(lines[2]).toBe('- look: You see a table and a drawer.');
    expect(lines[3]).toBe('- open with target "drawer": Inside the drawer is a key.');
    expect(lines).toHaveLength(4);
  });

  it('keeps at most maxEntries and stays under maxChars, dropping the oldest first', () => {
    const many = Array.from({ length: 50 }, (_, i) => ({
      action: `read page ${i}`,
      observation: 'x'.repeat(20),
      sequence: i,
    }));
    const bounded = renderObservationMemory(many, undefined, { ...defaults, maxEntries: 5 })!;
    expect(bounded.split('\n')).toHaveLength(6);
    expect(bounded).toContain('read page 49');
    expect(bounded).not.toContain('read page 44');
    const short = renderObservationMemory(many, undefined, { ...defaults, maxChars: 200 })!;
    expect(short.length).toBeLessThanOrEqual(200);
  });

  it('says nothing before anything was observed', () => {
    expect(renderObservationMemory([], undefined, defaults)).toBeUndefined();
  });
});

describe('state-tracker-memory hooks', () => {
  const feed = (
    hooks: ReturnType<typeof stateTrackerMemory.create>,
    name: string,
    args: string,
    content: string,
    isError = false,
  ) =>
    hooks.toolResult?.({
      ...createHookContextDouble(),
      call: { id: 'c', name, arguments: args },
      result: { content, isError },
      execute: async () => ({ content, isError }),
    });
  const memory = async (hooks: ReturnType<typeof stateTrackerMemory.create>) =>
    (
      (await hooks.modelRequest?.({ ...createHookContextDouble(), messages: [] })) as
        | { appendUserMessage?: string }
        | undefined
    )?.appendUserMessage;

  it('keeps the latest successful observation per distinct action, skipping failures and finish', async () => {
    const hooks = stateTrackerMemory.create(defaults);
    expect(await memory(hooks)).toBeUndefined();
    await feed(hooks, 'open', '{"target":"drawer"}', 'The drawer is empty.');
    await feed(hooks, 'open', '{ "target": "drawer" }', 'Inside the drawer is a key.');
    await feed(hooks, 'take', '{"object":"key"}', 'Error: you are too far away.', true);
    await feed(hooks, 'go_to', '{"target":"desk"}', 'You arrive at the desk.');
    await feed(hooks, 'finish', '{}', 'Episode finished.');
    const text = (await memory(hooks))!;
    expect(text).toContain('Inside the drawer is a key.');
    expect(text).not.toContain('The drawer is empty.');
    expect(text).not.toContain('too far away');
    expect(text).not.toContain('Episode finished');
    expect(text.split('\n')[1]).toContain('You arrive at the desk.');
  });
});

describe('observationsInView', () => {
  it('finds the tool results within the token distance from the end, and only those', () => {
    const messages = [
      { role: 'tool' as const, toolCallId: 'a', name: 'look', content: ' far result ' },
      { role: 'user' as const, content: 'x'.repeat(400) },
      { role: 'tool' as const, toolCallId: 'b', name: 'look', content: 'near result' },
    ];
    expect(observationsInView(messages, 50)).toEqual(new Set(['near result']));
    expect(observationsInView(messages, 500)).toEqual(new Set(['near result', 'far result']));
    expect(observationsInView(messages, 0)).toEqual(new Set());
  });

  it('keeps an observation still in view out of the memory message', async () => {
    const hooks = stateTrackerMemory.create(defaults);
    const content = 'Inside the drawer is a key.';
    await hooks.toolResult?.({
      ...createHookContextDouble(),
      call: { id: 'c', name: 'open', arguments: '{"target":"drawer"}' },
      result: { content, isError: false },
      execute: async () => ({ content, isError: false }),
    });
    const recent = [{ role: 'tool' as const, toolCallId: 'c', name: 'open', content }];
    expect(await hooks.modelRequest?.({ ...createHookContextDouble(), messages: recent })).toBeUndefined();
    const farBack = [...recent, { role: 'user' as const, content: 'y'.repeat(4000) }];
    expect(await hooks.modelRequest?.({ ...createHookContextDouble(), messages: farBack })).toMatchObject({
      appendUserMessage: expect.stringContaining(content),
    });
  });
});

describe('state-tracker-memory end to end', () => {
  const environment = () =>
    new ScriptedEnvironment({
      tools: [
        scriptedTool('open', { target: 'string' }),
        scriptedTool('examine', { target: 'string' }),
        scriptedTool('take', { object: 'string', source: 'string' }),
        scriptedTool('finish'),
      ],
      handlers: {
        open: (args) =>
          args['target'] === 'drawer'
            ? 'Inside the drawer is a key.'
            : `The ${String(args['target'])} is empty.`,
        examine: (args) =>
          `The ${String(args['target'])} is dusty. ${'Nothing about it stands out. '.repeat(25)}`,
        take(args, env) {
          if (args['source'] !== 'drawer')
            return { content: `Error: there is no key in the ${String(args['source'])}.`, isError: true };
          env.solved = true;
          return 'You take the key from the drawer.';
        },
      },
    });

  /**
   * Test double with positional recall: it only remembers what is in its last three messages, like a
   * small model that loses facts further back in a long context.
   */
  const forgetfulModel = () =>
    new ScriptedModel([
      { toolCalls: [{ name: 'open', arguments: '{"target": "drawer"}' }] },
      ...['shelf', 'table', 'lamp', 'chair'].map((target) => ({
        toolCalls: [{ name: 'examine', arguments: JSON.stringify({ target }) }],
      })),
      (request: GenerateRequest) => {
        const recent = request.messages
          .slice(-3)
          .map((m) => m.content)
          .join('\n');
        const source = /Inside the (\w+) is a key/.exec(recent)?.[1] ?? 'table';
        return { toolCalls: [{ name: 'take', arguments: JSON.stringify({ object: 'key', source }) }] };
      },
      { toolCalls: [{ name: 'finish', arguments: '{}' }] },
    ]);

  it('forgets where the key was without the processor, and finds it with it', async () => {
    const without = await runEpisode(
      processorEpisode({ environment: environment(), model: forgetfulModel() }),
    );
    expect(without.success).toBe(false);

    const env = environment();
    const remembered = await runEpisode(
      processorEpisode({
        environment: env,
        model: forgetfulModel(),
        processors: [{ id: 'state-tracker-memory' }],
      }),
    );
    expect(remembered.success).toBe(true);
    expect(env.stepsOf('take')[0]?.arguments).toEqual({ object: 'key', source: 'drawer' });
  });
});
