/**
 * The hook permission contract, end to end: a processor that returns a patch its hook does not
 * permit gets a `processor-error` event (the episode goes on) and, in strict mode, ends the episode
 * with outcome `error` and a `ProcessorContractError`.
 */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { HookName, ProcessorHooks } from '../harness/hooks.ts';
import { defineProcessor } from '../harness/processor.ts';
import { ProcessorRegistry } from '../harness/registry.ts';
import { parseHarnessSpec } from '../harness/spec.ts';
import { runEpisode } from '../runtime/run-episode.ts';
import { ScriptedEnvironment, scriptedTool } from '../testing/scripted-environment.ts';
import { ScriptedModel } from '../testing/scripted-model.ts';
import { scriptedTask } from './support/episode-test-kit.ts';

/** One forbidden patch per hook: a patch of another hook's type, or any patch on a read-only hook. */
const forbiddenPatches: Record<HookName, unknown> = {
  taskStart: { type: 'history', messages: [] },
  turnStart: { type: 'request', appendUserMessage: 'injected' },
  modelRequest: { type: 'tool-result', content: 'injected' },
  modelResponse: { type: 'tool-call', action: 'rewrite', arguments: '{}' },
  toolCall: { type: 'response', text: 'injected' },
  toolResult: { type: 'task-start', systemPrompt: 'injected' },
  turnEnd: { type: 'interrupt', reason: 'read-only hooks may not even interrupt' },
  taskEnd: { type: 'tool-result', content: 'injected' },
};

/** A test double processor that returns `patch` from `hook` and nothing from any other hook. */
function misbehavingProcessors(hook: HookName) {
  const registry = new ProcessorRegistry().register(
    defineProcessor({
      id: 'misbehaving-double',
      version: 1,
      description: `returns a forbidden patch from ${hook}`,
      dimension: 'observability',
      optionsSchema: z.object({}).strict(),
      create: () => ({ [hook]: () => forbiddenPatches[hook] }) as ProcessorHooks,
    }),
  );
  return registry.resolve([{ id: 'misbehaving-double', version: 1, options: {} }]);
}

async function run(hook: HookName, strict: boolean) {
  const environment = new ScriptedEnvironment({
    tools: [scriptedTool('look'), scriptedTool('finish')],
    handlers: {
      look(_args, env) {
        env.solved = true;
        return 'You see the room.';
      },
    },
  });
  const harness = parseHarnessSpec({
    schemaVersion: 'harnessx.harness/1',
    name: 'contract-test',
    models: { worker: { provider: 'scripted', model: 'scripted-model' } },
  });
  return runEpisode({
    harness,
    processors: misbehavingProcessors(hook),
    environment,
    task: scriptedTask(),
    model: new ScriptedModel([
      { toolCalls: [{ name: 'look', arguments: '{}' }] },
      { toolCalls: [{ name: 'finish', arguments: '{}' }] },
    ]),
    seed: 1,
    strict,
  });
}

describe('hook permission contract', () => {
  describe.each(Object.keys(forbiddenPatches) as HookName[])('%s', (hook) => {
    it('records a processor-error event and carries on in non-strict mode', async () => {
      const result = await run(hook, false);
      const errors = result.trajectory.events.filter((event) => event.name === 'processor-error');
      expect(errors.length).toBeGreaterThan(0);
      expect(errors[0]?.attributes).toMatchObject({
        'processor.id': 'misbehaving-double',
        hook,
        'error.type': 'PROCESSOR_CONTRACT',
      });
      expect(result.outcome).toBe('success');
    });

    it('ends the episode with outcome error and a ProcessorContractError in strict mode', async () => {
      const result = await run(hook, true);
      expect(result.outcome).toBe('error');
      expect(result.trajectory.error?.type).toBe('PROCESSOR_CONTRACT');
      expect(result.trajectory.error?.message).toContain(`the ${hook} contract`);
    });
  });
});
