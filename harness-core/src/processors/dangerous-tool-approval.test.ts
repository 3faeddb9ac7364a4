import { describe, expect, it } from 'vitest';
import type { GenerateRequest } from '../providers/model.ts';
import { runEpisode } from '../runtime/run-episode.ts';
import { ScriptedEnvironment, scriptedTool } from '../testing/scripted-environment.ts';
import { ScriptedModel } from '../testing/scripted-model.ts';
import {
  dangerousToolApproval,
  dangerousToolApprovalOptionsSchema,
  globToRegExp,
} from './dangerous-tool-approval.ts';
import { processorEpisode } from './support/episode-test-kit.ts';
import { createHookContextDouble } from './support/hook-context-double.ts';

const options = (overrides: Record<string, unknown>) => dangerousToolApprovalOptionsSchema.parse(overrides);

describe('globToRegExp', () => {
  it('matches * and ? and escapes everything else', () => {
    expect(globToRegExp('delete_*').test('delete_file')).toBe(true);
    expect(globToRegExp('delete_*').test('undelete_file')).toBe(false);
    expect(globToRegExp('rm?').test('rmx')).toBe(true);
    expect(globToRegExp('a.b').test('axb')).toBe(false);
  });
});

describe('dangerous-tool-approval hook', () => {
  const call = (opts: ReturnType<typeof options>, name: string, args = '{"path":"/tmp/x"}') =>
    dangerousToolApproval.create(opts).toolCall?.({
      ...createHookContextDouble(),
      call: { id: 'c', name, arguments: args },
      tool: undefined,
    });

  it('lets everything through by default (no tools listed)', async () => {
    expect(await call(options({}), 'delete_file')).toBeUndefined();
  });

  it('refuses a listed tool with a message naming the action', async () => {
    const patch = await call(options({ tools: ['delete_*'] }), 'delete_file');
    expect(patch).toMatchObject({ type: 'tool-call', action: 'intercept', isError: true });
    expect((patch as { result: string }).result).toContain('delete_file with path "/tmp/x"');
    expect(await call(options({ tools: ['delete_*'] }), 'read_file')).toBeUndefined();
  });

  it('allow-list lets through only arguments matching a pattern', async () => {
    const opts = options({
      tools: ['delete_file'],
      policy: 'allow-list',
      allowedArguments: ['"path":"/tmp/'],
    });
    expect(await call(opts, 'delete_file')).toBeUndefined();
    expect(await call(opts, 'delete_file', '{"path":"/etc/passwd"}')).toMatchObject({ action: 'intercept' });
  });

  it('interrupt stops the episode', async () => {
    expect(await call(options({ tools: ['delete_file'], policy: 'interrupt' }), 'delete_file')).toMatchObject(
      { type: 'interrupt' },
    );
  });

  it('rejects an invalid allow-list pattern at parse time', () => {
    expect(dangerousToolApprovalOptionsSchema.safeParse({ allowedArguments: ['[unclosed'] }).success).toBe(
      false,
    );
  });
});

describe('dangerous-tool-approval end to end', () => {
  const environment = () =>
    new ScriptedEnvironment({
      tools: [
        scriptedTool('delete_file', { path: 'string' }),
        scriptedTool('archive_file', { path: 'string' }),
        scriptedTool('finish'),
      ],
      handlers: {
        delete_file(args, env) {
          env.state['deleted'] = args['path'];
          return `Deleted ${String(args['path'])}.`;
        },
        archive_file(_args, env) {
          env.solved = true;
          return 'Archived.';
        },
      },
      score: (env) => ({
        success: env.done && env.solved && !env.state['deleted'],
        reward: env.solved ? 1 : 0,
      }),
    });
  /** Test double of a model that reaches for the destructive tool first and takes another way when refused. */
  const model = () =>
    new ScriptedModel(
      [
        (request: GenerateRequest) => {
          const last = request.messages.at(-1);
          if (last?.role === 'tool' && last.isError)
            return { toolCalls: [{ name: 'archive_file', arguments: '{"path": "/data/report.txt"}' }] };
          if (last?.role === 'tool') return { toolCalls: [{ name: 'finish', arguments: '{}' }] };
          return { toolCalls: [{ name: 'delete_file', arguments: '{"path": "/data/report.txt"}' }] };
        },
      ],
      { whenExhausted: 'repeat-last' },
    );

  it('the destructive call runs without the processor; with it, it is refused and the model takes another way', async () => {
    const unguarded = environment();
    await runEpisode(processorEpisode({ environment: unguarded, model: model() }));
    expect(unguarded.state['deleted']).toBe('/data/report.txt');

    const guarded = environment();
    const result = await runEpisode(
      processorEpisode({
        environment: guarded,
        model: model(),
        processors: [{ id: 'dangerous-tool-approval', options: { tools: ['delete_*'] } }],
      }),
    );
    expect(guarded.stepsOf('delete_file')).toHaveLength(0);
    expect(result.outcome).toBe('success');
  });

  it('interrupt policy ends the episode before the call runs', async () => {
    const env = environment();
    const result = await runEpisode(
      processorEpisode({
        environment: env,
        model: model(),
        processors: [
          { id: 'dangerous-tool-approval', options: { tools: ['delete_file'], policy: 'interrupt' } },
        ],
      }),
    );
    expect(result.outcome).toBe('interrupted');
    expect(env.steps).toHaveLength(0);
  });
});
