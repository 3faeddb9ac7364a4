import { describe, expect, it } from 'vitest';
import type { GenerateRequest, ToolCall } from '../providers/model.ts';
import { runEpisode } from '../runtime/run-episode.ts';
import { ScriptedEnvironment, scriptedTool } from '../testing/scripted-environment.ts';
import { ScriptedModel } from '../testing/scripted-model.ts';
import { appendPlanInstruction, planFirst, planFirstOptionsSchema } from './plan-first.ts';
import { processorEpisode } from './support/episode-test-kit.ts';
import { createHookContextDouble } from './support/hook-context-double.ts';

const defaults = planFirstOptionsSchema.parse({});

describe('plan-first', () => {
  it('appends the planning instruction to the system prompt', async () => {
    const ctx = createHookContextDouble();
    const patch = await planFirst
      .create(defaults)
      .taskStart?.({ ...ctx, systemPrompt: 'Be brief.', tools: [] });
    expect(patch).toEqual({ type: 'task-start', systemPrompt: `Be brief.\n\n${defaults.instruction}` });
    expect(defaults.instruction).toMatch(/numbered plan/);
    expect(defaults.instruction).toMatch(/every reply/);
  });

  it('uses the instruction alone when the system prompt is empty', () => {
    expect(appendPlanInstruction('  ', 'Plan first.')).toBe('Plan first.');
  });
});

describe('plan-first end to end', () => {
  const instruction = 'wash the plate, then put it in the cabinet';
  const steps: Omit<ToolCall, 'id'>[] = [
    { name: 'go_to', arguments: '{"target":"sink"}' },
    { name: 'wash', arguments: '{"object":"plate"}' },
    { name: 'go_to', arguments: '{"target":"cabinet"}' },
    { name: 'put', arguments: '{"object":"plate","target":"cabinet"}' },
  ];
  const environment = () =>
    new ScriptedEnvironment({
      tools: [
        scriptedTool('go_to', { target: 'string' }),
        scriptedTool('wash', { object: 'string' }),
        scriptedTool('put', { object: 'string', target: 'string' }),
        scriptedTool('finish'),
      ],
      handlers: {
        wash(_args, env) {
          env.state['washed'] = true;
          return 'The plate is clean.';
        },
        put(_args, env) {
          env.solved = env.state['washed'] === true;
          return 'You put the plate in the cabinet.';
        },
      },
    });

  /**
   * Test double of a model that forgets sub-goals: it sees only the system prompt and its last two
   * messages. Asked to plan, it writes the plan and restates it with its progress in every reply.
   */
  const forgetfulPlanner = () =>
    new ScriptedModel(
      [
        (request: GenerateRequest) => {
          const system = request.messages[0]?.content ?? '';
          const window = request.messages.slice(-2);
          const asksForPlan = /\bplan\b/i.test(system);
          const restated = window.find((m) => m.role === 'assistant' && /^Plan/.test(m.content))?.content;
          let done: number;
          if (restated) done = Number(/Doing step (\d+)/.exec(restated)?.[1] ?? 0);
          else if (window.some((m) => m.content === instruction)) done = 0;
          else return { toolCalls: [{ name: 'finish', arguments: '{}' }] };
          const next = steps[done];
          if (!next) return { toolCalls: [{ name: 'finish', arguments: '{}' }] };
          const plan = steps
            .map((s, i) => `${i + 1}. ${s.name} ${s.arguments}${i < done ? ' (done)' : ''}`)
            .join('\n');
          return { text: asksForPlan ? `Plan:\n${plan}\nDoing step ${done + 1}.` : '', toolCalls: [next] };
        },
      ],
      { whenExhausted: 'repeat-last' },
    );

  it('forgets the second sub-goal without the processor, and completes both with it', async () => {
    const env = environment();
    const without = await runEpisode(
      processorEpisode({ environment: env, model: forgetfulPlanner(), instruction }),
    );
    expect(without.outcome).toBe('failure');
    expect(env.stepsOf('put')).toHaveLength(0);

    const planned = await runEpisode(
      processorEpisode({
        environment: environment(),
        model: forgetfulPlanner(),
        instruction,
        processors: [{ id: 'plan-first' }],
      }),
    );
    expect(planned.outcome).toBe('success');
  });
});
