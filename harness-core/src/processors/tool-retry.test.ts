import { describe, expect, it } from 'vitest';
import type { GenerateRequest } from '../providers/model.ts';
import { runEpisode } from '../runtime/run-episode.ts';
import { ScriptedEnvironment, scriptedTool } from '../testing/scripted-environment.ts';
import { ScriptedModel } from '../testing/scripted-model.ts';
import { processorEpisode } from './support/episode-test-kit.ts';
import { createHookContextDouble } from './support/hook-context-double.ts';
import { backoffDelayMs, looksTransient, toolRetry, toolRetryOptionsSchema } from './tool-retry.ts';

const defaults = toolRetryOptionsSchema.parse({});
const patterns = defaults.patterns.map((source) => new RegExp(source, 'i'));

describe('looksTransient', () => {
  it.each([
    'Error: request timed out',
    'Error: timeout after 30s',
    'Error: service temporarily unavailable',
    'Error: rate limit exceeded',
    'Error: busy, try again later',
    'Error: upstream returned 503',
  ])('treats "%s" as transient', (content) => {
    expect(looksTransient({ content, isError: true }, patterns, true)).toBe(true);
  });

  it('does not retry permanent errors, nor successes that quote such words', () => {
    expect(looksTransient({ content: 'Error: there is no apple here', isError: true }, patterns, true)).toBe(
      false,
    );
    expect(looksTransient({ content: 'The sign says: try again', isError: false }, patterns, true)).toBe(
      false,
    );
    expect(looksTransient({ content: 'The sign says: try again', isError: false }, patterns, false)).toBe(
      true,
    );
  });

  it('rejects an invalid pattern when options are parsed', () => {
    expect(toolRetryOptionsSchema.safeParse({ patterns: ['(unclosed'] }).success).toBe(false);
  });

  it('backs off exponentially', () => {
    expect([0, 1, 2].map((attempt) => backoffDelayMs(200, attempt))).toEqual([200, 400, 800]);
  });
});

describe('tool-retry hook', () => {
  const args = (
    results: { content: string; isError: boolean }[],
    first: { content: string; isError: boolean },
  ) => {
    const ctx = createHookContextDouble();
    let runs = 0;
    return {
      ctx,
      runs: () => runs,
      args: {
        ...ctx,
        call: { id: 'c', name: 'search', arguments: '{}' },
        result: first,
        async execute() {
          return results[runs++] ?? { content: 'Error: timed out', isError: true };
        },
      },
    };
  };

  it('re-runs until the result is no longer transient, waiting base, then twice as long', async () => {
    const setup = args(
      [
        { content: 'Error: timed out', isError: true },
        { content: 'found it', isError: false },
      ],
      {
        content: 'Error: 503',
        isError: true,
      },
    );
    const patch = await toolRetry.create(defaults).toolResult?.(setup.args);
    expect(patch).toEqual({ type: 'tool-result', content: 'found it', isError: false });
    expect(setup.ctx.slept).toEqual([200, 400]);
    expect(setup.ctx.emitted[0]).toEqual({
      name: 'tool-retried',
      attributes: { tool: 'search', attempts: 2, recovered: true },
    });
  });

  it('stops after maxRetries and hands over the last failure', async () => {
    const setup = args([], { content: 'Error: timed out', isError: true });
    const patch = await toolRetry.create({ ...defaults, maxRetries: 3 }).toolResult?.(setup.args);
    expect(setup.runs()).toBe(3);
    expect(patch).toMatchObject({ isError: true });
  });

  it('leaves permanent failures alone without re-running', async () => {
    const setup = args([], { content: 'Error: no such item', isError: true });
    expect(await toolRetry.create(defaults).toolResult?.(setup.args)).toBeUndefined();
    expect(setup.runs()).toBe(0);
  });
});

describe('tool-retry end to end', () => {
  /** Test double of a flaky backend: the first two searches time out. */
  const flakyEnvironment = () => {
    let calls = 0;
    return new ScriptedEnvironment({
      tools: [scriptedTool('search', { query: 'string' }), scriptedTool('finish')],
      handlers: {
        search(_args, env) {
          calls++;
          if (calls <= 2)
            return { content: 'Error: the search service is temporarily unavailable (503)', isError: true };
          env.solved = true;
          return 'Result: the capital of France is Paris.';
        },
      },
    });
  };
  /** Test double of a model that gives up as soon as a tool fails. */
  const model = () =>
    new ScriptedModel([
      { toolCalls: [{ name: 'search', arguments: '{"query": "capital of France"}' }] },
      (request: GenerateRequest) =>
        request.messages.at(-1)?.role === 'tool' && (request.messages.at(-1) as { isError?: boolean }).isError
          ? { text: 'The search is down; I give up.' }
          : { toolCalls: [{ name: 'finish', arguments: '{}' }] },
    ]);

  it('a transient failure ends the episode without the processor and is retried away with it', async () => {
    const without = flakyEnvironment();
    expect((await runEpisode(processorEpisode({ environment: without, model: model() }))).success).toBe(
      false,
    );

    const withRetry = flakyEnvironment();
    const result = await runEpisode(
      processorEpisode({
        environment: withRetry,
        model: model(),
        processors: [{ id: 'tool-retry', options: { baseDelayMs: 1 } }],
      }),
    );
    expect(result.success).toBe(true);
    expect(withRetry.stepsOf('search')).toHaveLength(3);
    expect(result.trajectory.turns[0]?.toolCalls[0]).toMatchObject({
      isError: false,
      result: expect.stringContaining('Paris'),
    });
  });
});
