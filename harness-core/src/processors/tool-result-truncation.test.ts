import { describe, expect, it } from 'vitest';
import type { GenerateRequest } from '../providers/model.ts';
import { runEpisode } from '../runtime/run-episode.ts';
import { ScriptedEnvironment, scriptedTool } from '../testing/scripted-environment.ts';
import { ScriptedModel } from '../testing/scripted-model.ts';
import { processorEpisode } from './support/episode-test-kit.ts';
import { createHookContextDouble } from './support/hook-context-double.ts';
import {
  toolResultTruncation,
  toolResultTruncationOptionsSchema,
  truncateMiddle,
} from './tool-result-truncation.ts';

const defaults = toolResultTruncationOptionsSchema.parse({});

describe('truncateMiddle', () => {
  it('leaves results up to maxChars untouched', () => {
    const text = 'x'.repeat(defaults.maxChars);
    expect(truncateMiddle(text, defaults)).toEqual({ text, cut: 0 });
  });

  it('keeps the head and the tail and says exactly how much was cut', () => {
    const text = `HEAD${'-'.repeat(10_000)}TAIL`;
    const { text: out, cut } = truncateMiddle(text, defaults);
    expect(cut).toBe(text.length - defaults.maxChars);
    expect(out.startsWith('HEAD')).toBe(true);
    expect(out.endsWith('TAIL')).toBe(true);
    expect(out).toContain(`[... ${cut} characters cut ...]`);
    const [head, tail] = out.split(/\n\[\.\.\. \d+ characters cut \.\.\.\]\n/);
    expect(head).toHaveLength(1400);
    expect(tail).toHaveLength(600);
  });

  it('never splits a surrogate pair at either edge', () => {
    const options = { ...defaults, maxChars: 102, headFraction: 0.5 };
    const text = '😀'.repeat(500);
    const { text: out } = truncateMiddle(text, options);
    expect(out).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/);
  });

  it('truncates from the toolResult hook and keeps the error flag', async () => {
    const ctx = createHookContextDouble();
    const content = 'y'.repeat(5000);
    const patch = await toolResultTruncation.create(defaults).toolResult?.({
      ...ctx,
      call: { id: 'c', name: 'list', arguments: '{}' },
      result: { content, isError: true },
      execute: async () => ({ content, isError: true }),
    });
    expect(patch).toMatchObject({ type: 'tool-result', isError: true });
    expect(ctx.emitted[0]).toEqual({
      name: 'tool-result-truncated',
      attributes: { tool: 'list', cut: 3000 },
    });
  });
});

describe('tool-result-truncation end to end', () => {
  const environment = () =>
    new ScriptedEnvironment({
      tools: [
        scriptedTool('list_files'),
        scriptedTool('answer', { value: 'string' }),
        scriptedTool('finish'),
      ],
      handlers: {
        list_files: () =>
          `${'build/cache/object-file.o\n'.repeat(2000)}Total: 2000 files. The config file is app.yaml.`,
        answer(args, env) {
          env.solved = args['value'] === 'app.yaml';
          return 'Noted.';
        },
      },
    });
  /** Test double: reads the config file name from the listing it was given. */
  const model = () =>
    new ScriptedModel([
      { toolCalls: [{ name: 'list_files', arguments: '{}' }] },
      (request: GenerateRequest) => {
        const name =
          /The config file is (\S+)\./.exec(request.messages.at(-1)?.content ?? '')?.[1] ?? 'unknown';
        return { toolCalls: [{ name: 'answer', arguments: JSON.stringify({ value: name }) }] };
      },
      { toolCalls: [{ name: 'finish', arguments: '{}' }] },
    ]);

  it('one huge result exhausts the token budget without the processor; with it the tail still answers', async () => {
    const budgets = { maxTokens: 10_000 };
    const without = await runEpisode(
      processorEpisode({ environment: environment(), model: model(), budgets }),
    );
    expect(without.outcome).toBe('budget-exhausted');

    const truncated = await runEpisode(
      processorEpisode({
        environment: environment(),
        model: model(),
        budgets,
        processors: [{ id: 'tool-result-truncation' }],
      }),
    );
    expect(truncated.outcome).toBe('success');
    expect(truncated.usage.inputTokens).toBeLessThan(2_000);
  });
});
