import { describe, expect, it } from 'vitest';
import { ScriptedEnvironment, scriptedTool } from './scripted-environment.ts';

describe('ScriptedEnvironment (test double)', () => {
  const take = scriptedTool('take', { object: 'string', count: 'integer' });

  it('runs the scripted handler and records the step', async () => {
    const env = new ScriptedEnvironment({
      tools: [take],
      handlers: { take: (args) => `took ${String(args['count'])} ${String(args['object'])}` },
    });
    expect(await env.step({ name: 'take', arguments: { object: 'apple', count: 2 } })).toEqual({
      content: 'took 2 apple',
      isError: false,
    });
    expect(env.stepsOf('take')).toHaveLength(1);
  });

  it('rejects calls a real environment would reject, without running the handler', async () => {
    let ran = 0;
    const env = new ScriptedEnvironment({ tools: [take], handlers: { take: () => `${++ran}` } });
    const results = await Promise.all([
      env.step({ name: 'fly', arguments: {} }),
      env.step({ name: 'take', arguments: 'apple' }),
      env.step({ name: 'take', arguments: { object: 'apple' } }),
      env.step({ name: 'take', arguments: { object: 'apple', count: 1, extra: true } }),
      env.step({ name: 'take', arguments: { object: 'apple', count: 1.5 } }),
    ]);
    expect(results.map((result) => result.isError)).toEqual([true, true, true, true, true]);
    expect(results[2]?.content).toContain('missing argument "count"');
    expect(results[3]?.content).toContain('unexpected argument "extra"');
    expect(results[4]?.content).toContain('"count" must be integer');
    expect(ran).toBe(0);
    expect(env.steps).toHaveLength(5);
  });

  it('is done after a successful finish call and scores success only when solved', async () => {
    const env = new ScriptedEnvironment({ tools: [scriptedTool('finish')] });
    expect(env.done).toBe(false);
    await env.step({ name: 'finish', arguments: {} });
    expect(env.done).toBe(true);
    expect(env.score()).toEqual({ success: false, reward: 0 });
    env.solved = true;
    expect(env.score()).toEqual({ success: true, reward: 1 });
  });

  it('uses the scripted score and finish tool when given', async () => {
    const env = new ScriptedEnvironment({
      tools: [scriptedTool('submit')],
      finishTool: 'submit',
      score: () => ({ success: true, reward: 0.5 }),
    });
    await env.step({ name: 'submit', arguments: {} });
    expect(env.done).toBe(true);
    expect(env.score().reward).toBe(0.5);
  });
});
