import { describe, expect, it } from 'vitest';
import type { EpisodeEnvironment } from '../environments/environment.ts';
import type { ToolDefinition } from '../providers/model.ts';
import { executeToolCall, findTool, PendingToolStep, startToolCall } from './tool-executor.ts';

const tools: readonly ToolDefinition[] = Object.freeze([
  Object.freeze({ name: 'look', description: 'look', parameters: Object.freeze({ type: 'object' }) }),
]);

/** Test double: an environment whose step does what `step` says. */
const environment = (step: EpisodeEnvironment['step']): EpisodeEnvironment =>
  ({ tools, step, score: () => ({ success: false, reward: 0 }) }) as unknown as EpisodeEnvironment;

const call = { id: 'c1', name: 'look', arguments: '{}' };

describe('tool execution', () => {
  it('answers unknown tools and arguments that are not JSON at once, without a step', () => {
    const never = environment(() => {
      throw new Error('not reached');
    });
    expect(startToolCall({ ...call, name: 'fly' }, tools, never)).toMatchObject({
      isError: true,
      source: 'runtime',
      errorType: 'unknown_tool',
    });
    expect(startToolCall({ ...call, arguments: '{' }, tools, never)).toMatchObject({
      isError: true,
      source: 'runtime',
      errorType: 'invalid_arguments',
    });
  });

  it('records what the environment returned, or its failure, whether it throws, rejects or returns junk', async () => {
    const cases: [EpisodeEnvironment['step'], Record<string, unknown>][] = [
      [async () => ({ content: 'a room', isError: false }), { content: 'a room', source: 'environment' }],
      [async () => ({ content: 'no', isError: true }), { isError: true, errorType: 'tool_error' }],
      [
        () => {
          throw new Error('sync boom');
        },
        { content: 'Error: the tool look failed: sync boom', errorType: 'tool_exception' },
      ],
      [
        async () => {
          throw new Error('async boom');
        },
        { content: 'Error: the tool look failed: async boom', errorType: 'tool_exception' },
      ],
      [async () => undefined as never, { isError: true, errorType: 'tool_exception' }],
    ];
    for (const [step, expected] of cases) {
      const env = environment(step);
      expect(await executeToolCall(call, tools, env)).toMatchObject(expected);
      const started = startToolCall(call, tools, env);
      let result = started;
      if (started instanceof PendingToolStep) {
        try {
          result = started.settle(await started.pending);
        } catch (error) {
          result = started.fail(error);
        }
      }
      expect(result).toEqual(await executeToolCall(call, tools, env));
    }
  });

  it('finds a tool the way find does, in a frozen list', () => {
    expect(findTool(tools, 'look')).toBe(tools[0]);
    expect(findTool(tools, 'fly')).toBeUndefined();
  });
});
