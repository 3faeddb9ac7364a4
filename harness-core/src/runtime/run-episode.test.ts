import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { EpisodeEnvironment, TaskSpec } from '../environments/environment.ts';
import { ProcessorContractError, TransientError } from '../errors.ts';
import type { ProcessorHooks } from '../harness/hooks.ts';
import { defineProcessor } from '../harness/processor.ts';
import { ProcessorRegistry } from '../harness/registry.ts';
import { parseHarnessSpec } from '../harness/spec.ts';
import { callTool, ScriptedModel } from '../testing/scripted-model.ts';
import { runEpisode } from './run-episode.ts';

/** Test double: a counter environment; `add` increments, `finish` ends; solved when the count hits 2. */
function counterEnvironment(): EpisodeEnvironment & { count: number; steps: string[] } {
  const env = {
    count: 0,
    steps: [] as string[],
    done: false,
    tools: [
      {
        name: 'add',
        description: 'add one',
        parameters: { type: 'object', properties: {}, additionalProperties: false },
      },
      { name: 'finish', description: 'end', parameters: { type: 'object', properties: {} } },
    ],
    async step(call: { name: string; arguments: unknown }) {
      env.steps.push(call.name);
      if (call.name === 'finish') {
        env.done = true;
        return { content: 'finished', isError: false };
      }
      env.count += 1;
      return { content: `count is ${env.count}`, isError: false };
    },
    score() {
      return { success: env.count === 2, reward: Math.min(env.count, 2) / 2 };
    },
  };
  return env;
}

const task: TaskSpec = {
  id: 't1',
  suite: 'counter',
  split: 'heldout',
  instruction: 'Count to two.',
  difficulty: 1,
};
const baseHarness = (extra: Record<string, unknown> = {}) =>
  parseHarnessSpec({
    schemaVersion: 'harnessx.harness/1',
    name: 'test',
    models: { worker: { provider: 'scripted', model: 'scripted-model' } },
    ...extra,
  });

function withProcessors(hooksById: Record<string, ProcessorHooks>) {
  const registry = new ProcessorRegistry();
  for (const [id, hooks] of Object.entries(hooksById)) {
    registry.register(
      defineProcessor({
        id,
        version: 1,
        description: id,
        dimension: 'observability',
        optionsSchema: z.object({}).strict(),
        create: () => hooks,
      }),
    );
  }
  return registry.resolve(Object.keys(hooksById).map((id) => ({ id, version: 1, options: {} })));
}

describe('runEpisode', () => {
  it('runs the loop to success and records every model and tool call', async () => {
    const env = counterEnvironment();
    const model = new ScriptedModel([callTool('add', {}), callTool('add', {}), callTool('finish', {})]);
    const result = await runEpisode({
      harness: baseHarness(),
      processors: [],
      environment: env,
      task,
      model,
      seed: 1,
    });
    expect(result.outcome).toBe('success');
    expect(result.trajectory.turns).toHaveLength(3);
    expect(result.trajectory.turns[1]?.toolCalls[0]?.result).toBe('count is 2');
    expect(result.usage.toolCalls).toBe(3);
    expect(result.usage.inputTokens).toBeGreaterThan(0);
    expect(model.calls[2]?.messages.at(-1)).toMatchObject({ role: 'tool', content: 'count is 2' });
  });

  it('reports failure when the agent stops before the goal', async () => {
    const model = new ScriptedModel([callTool('add', {}), { text: 'I am done' }]);
    const result = await runEpisode({
      harness: baseHarness(),
      processors: [],
      environment: counterEnvironment(),
      task,
      model,
      seed: 1,
    });
    expect(result.outcome).toBe('failure');
    expect(result.reward).toBe(0.5);
  });

  it('stops at the turn budget with outcome budget-exhausted and a trace', async () => {
    const model = new ScriptedModel([callTool('add', {})], { whenExhausted: 'repeat-last' });
    const harness = baseHarness({ budgets: { maxTurns: 4 } });
    const result = await runEpisode({
      harness,
      processors: [],
      environment: counterEnvironment(),
      task,
      model,
      seed: 1,
    });
    expect(result.outcome).toBe('budget-exhausted');
    expect(result.trajectory.turns).toHaveLength(4);
    expect(
      result.trajectory.events.some((e) => e.name === 'budget-exhausted' && e.attributes.budget === 'turns'),
    ).toBe(true);
  });

  it('enforces the token and tool-call budgets', async () => {
    const model = new ScriptedModel([callTool('add', {})], { whenExhausted: 'repeat-last' });
    const tokens = await runEpisode({
      harness: baseHarness({ budgets: { maxTokens: 30 } }),
      processors: [],
      environment: counterEnvironment(),
      task,
      model,
      seed: 1,
    });
    expect(tokens.trajectory.events.find((e) => e.name === 'budget-exhausted')?.attributes.budget).toBe(
      'tokens',
    );
    const calls = await runEpisode({
      harness: baseHarness({ budgets: { maxToolCalls: 1 } }),
      processors: [],
      environment: counterEnvironment(),
      task,
      model: new ScriptedModel([callTool('add', {})], { whenExhausted: 'repeat-last' }),
      seed: 1,
    });
    expect(calls.outcome).toBe('budget-exhausted');
    expect(calls.usage.toolCalls).toBe(1);
  });

  it('stops at the wall-clock budget with outcome budget-exhausted', async () => {
    const slow = new ScriptedModel([callTool('add', {})], { whenExhausted: 'repeat-last' });
    const original = slow.doGenerate.bind(slow);
    slow.doGenerate = async (request) => {
      await new Promise((resolve) => setTimeout(resolve, 40));
      return original(request);
    };
    const result = await runEpisode({
      harness: baseHarness({ budgets: { wallClockMs: 20 } }),
      processors: [],
      environment: counterEnvironment(),
      task,
      model: slow,
      seed: 1,
    });
    expect(result.outcome).toBe('budget-exhausted');
    expect(result.trajectory.events.find((e) => e.name === 'budget-exhausted')?.attributes.budget).toBe(
      'wall-clock',
    );
  });

  it('ends as aborted when the caller aborts, still with a trajectory', async () => {
    const controller = new AbortController();
    const model = new ScriptedModel([
      callTool('add', {}),
      () => {
        controller.abort();
        return callTool('add', {});
      },
    ]);
    const result = await runEpisode({
      harness: baseHarness(),
      processors: [],
      environment: counterEnvironment(),
      task,
      model,
      seed: 1,
      signal: controller.signal,
    });
    expect(result.outcome).toBe('aborted');
    expect(result.trajectory.turns.length).toBeGreaterThanOrEqual(1);
  });

  it('ends with outcome error after three consecutive model failures, recording each', async () => {
    const failing = new ScriptedModel([{ error: new TransientError('503 from server') }], {
      whenExhausted: 'repeat-last',
    });
    const result = await runEpisode({
      harness: baseHarness(),
      processors: [],
      environment: counterEnvironment(),
      task,
      model: failing,
      seed: 1,
    });
    expect(result.outcome).toBe('error');
    expect(result.trajectory.turns).toHaveLength(3);
    expect(result.trajectory.turns[0]?.modelCall.error?.type).toBe('TRANSIENT');
    expect(result.trajectory.error?.message).toContain('503');
  });

  it('answers invalid JSON arguments and unknown tools with an error the model can read', async () => {
    const model = new ScriptedModel([
      { toolCalls: [{ name: 'add', arguments: '{oops' }] },
      callTool('teleport', {}),
      { text: 'stop' },
    ]);
    const env = counterEnvironment();
    const result = await runEpisode({
      harness: baseHarness(),
      processors: [],
      environment: env,
      task,
      model,
      seed: 1,
    });
    expect(result.trajectory.turns[0]?.toolCalls[0]?.result).toMatch(/arguments of add are not valid JSON/);
    expect(result.trajectory.turns[1]?.toolCalls[0]?.result).toMatch(/unknown tool "teleport"/);
    expect(env.steps).toEqual([]);
  });

  it('applies modelRequest patches to one request only and merges appended messages', async () => {
    const processors = withProcessors({
      'note-a': { modelRequest: () => ({ type: 'request', appendUserMessage: 'note A' }) },
      'note-b': { modelRequest: () => ({ type: 'request', appendUserMessage: 'note B' }) },
    });
    const model = new ScriptedModel([callTool('add', {}), { text: 'done' }]);
    await runEpisode({
      harness: baseHarness(),
      processors,
      environment: counterEnvironment(),
      task,
      model,
      seed: 1,
    });
    expect(model.calls[0]?.messages.at(-1)).toEqual({ role: 'user', content: 'note A\n\nnote B' });
    expect(model.calls[1]?.messages.filter((m) => m.content.includes('note A'))).toHaveLength(1);
  });

  it('routes to the fallback model when a processor asks for it', async () => {
    const processors = withProcessors({
      router: { modelRequest: () => ({ type: 'request', route: 'fallback' }) },
    });
    const primary = new ScriptedModel([{ text: 'primary' }]);
    const fallback = new ScriptedModel([{ text: 'fallback' }], { modelId: 'backup' });
    const result = await runEpisode({
      harness: baseHarness(),
      processors,
      environment: counterEnvironment(),
      task,
      model: primary,
      fallbackModel: fallback,
      seed: 1,
    });
    expect(primary.calls).toHaveLength(0);
    expect(result.trajectory.turns[0]?.modelCall.model).toBe('backup');
  });

  it('rejects a history patch that rewrites the system message', async () => {
    const processors = withProcessors({
      rewriter: {
        turnStart: ({ messages }) => ({
          type: 'history',
          messages: [{ role: 'system', content: 'evil' }, ...messages.slice(1)],
        }),
      },
    });
    const model = new ScriptedModel([{ text: 'done' }]);
    const lenient = await runEpisode({
      harness: baseHarness(),
      processors,
      environment: counterEnvironment(),
      task,
      model,
      seed: 1,
    });
    const event = lenient.trajectory.events.find((e) => e.name === 'processor-error');
    expect(event?.attributes.message).toMatch(/system message must stay first/);
    expect(model.calls[0]?.messages[0]?.content).not.toBe('evil');
    const strict = await runEpisode({
      harness: baseHarness(),
      processors,
      environment: counterEnvironment(),
      task,
      model: new ScriptedModel([{ text: 'done' }]),
      seed: 1,
      strict: true,
    });
    expect(strict.outcome).toBe('error');
    expect(strict.trajectory.error?.type).toBe(new ProcessorContractError('x', 'y', 'z').code);
  });

  it('treats a processor that mutates its frozen arguments as a contract violation', async () => {
    const processors = withProcessors({
      mutator: {
        modelRequest: ({ messages }) => {
          (messages as unknown as { content: string }[])[0]!.content = 'mutated';
          return undefined;
        },
      },
    });
    const model = new ScriptedModel([{ text: 'done' }]);
    const result = await runEpisode({
      harness: baseHarness(),
      processors,
      environment: counterEnvironment(),
      task,
      model,
      seed: 1,
    });
    expect(result.trajectory.events.some((e) => e.name === 'processor-error')).toBe(true);
    expect(model.calls[0]?.messages[0]?.content).not.toBe('mutated');
  });

  it('gives processors a frozen view of the task and budgets, so none can change what the loop enforces', async () => {
    const processors = withProcessors({
      greedy: {
        turnStart: ({ episode }) => {
          (episode.budgets as { maxTurns: number }).maxTurns = 1000;
          return undefined;
        },
        modelRequest: ({ episode }) => {
          (episode.task as { instruction: string }).instruction = 'something else';
          return undefined;
        },
      },
    });
    const harness = baseHarness({ budgets: { maxTurns: 2 } });
    const model = new ScriptedModel([callTool('add', {})], { whenExhausted: 'repeat-last' });
    const result = await runEpisode({
      harness,
      processors,
      environment: counterEnvironment(),
      task,
      model,
      seed: 1,
    });
    expect(harness.budgets.maxTurns).toBe(2);
    expect(result.outcome).toBe('budget-exhausted');
    expect(result.trajectory.turns).toHaveLength(2);
    expect(result.trajectory.events.filter((e) => e.name === 'processor-error')).toHaveLength(4);
  });

  it('hands modelRequest the frozen history, which a processor cannot add to, and the model a copy', async () => {
    const seen: { frozen: boolean; sameAsHistory: boolean }[] = [];
    const processors = withProcessors({
      pusher: {
        modelRequest: ({ messages, episode }) => {
          seen.push({ frozen: Object.isFrozen(messages), sameAsHistory: messages === episode.messages });
          (messages as unknown as unknown[]).push({ role: 'user', content: 'smuggled' });
          return undefined;
        },
      },
    });
    let requestArrayFrozen: boolean | undefined;
    const model = new ScriptedModel([
      (request) => {
        requestArrayFrozen = Object.isFrozen(request.messages);
        return { text: 'done' };
      },
    ]);
    const result = await runEpisode({
      harness: baseHarness(),
      processors,
      environment: counterEnvironment(),
      task,
      model,
      seed: 1,
    });
    expect(seen).toEqual([{ frozen: true, sameAsHistory: true }]);
    expect(result.trajectory.events.filter((e) => e.name === 'processor-error')).toHaveLength(1);
    expect(model.calls[0]?.messages.map((m) => m.content)).toEqual([
      'You are a helpful agent. Use the tools to complete the task.',
      'Count to two.',
    ]);
    expect(requestArrayFrozen).toBe(false);
    expect(result.trajectory.turns[0]?.modelCall.inputMessages).toHaveLength(2);
  });

  it('records a tool step that throws or rejects as a failed tool call, and goes on', async () => {
    const env = counterEnvironment();
    env.step = (call: { name: string }) => {
      if (call.name === 'add') throw new Error('jammed');
      return Promise.reject(new Error('stuck'));
    };
    const model = new ScriptedModel([callTool('add', {}), callTool('finish', {}), { text: 'gave up' }]);
    const result = await runEpisode({
      harness: baseHarness(),
      processors: [],
      environment: env,
      task,
      model,
      seed: 1,
    });
    const calls = result.trajectory.turns.flatMap((turn) => turn.toolCalls);
    expect(calls.map((c) => [c.result, c.isError, c.error?.type, c.resultSource])).toEqual([
      ['Error: the tool add failed: jammed', true, 'tool_exception', 'environment'],
      ['Error: the tool finish failed: stuck', true, 'tool_exception', 'environment'],
    ]);
    expect(result.trajectory.turns).toHaveLength(3);
  });

  it('lets a processor intercept a tool call without running it, and interrupt the episode', async () => {
    const processors = withProcessors({
      gate: {
        toolCall: ({ call }) =>
          call.name === 'add'
            ? { type: 'tool-call', action: 'intercept', result: 'add is disabled', isError: true }
            : { type: 'interrupt', reason: 'finish denied' },
      },
    });
    const env = counterEnvironment();
    const model = new ScriptedModel([callTool('add', {}), callTool('finish', {})]);
    const result = await runEpisode({
      harness: baseHarness(),
      processors,
      environment: env,
      task,
      model,
      seed: 1,
    });
    expect(env.steps).toEqual([]);
    expect(result.trajectory.turns[0]?.toolCalls[0]).toMatchObject({
      resultSource: 'processor',
      isError: true,
    });
    expect(result.outcome).toBe('interrupted');
  });
});
