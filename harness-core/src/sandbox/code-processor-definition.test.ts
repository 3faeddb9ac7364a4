import { afterAll, describe, expect, it } from 'vitest';
import type { TaskSpec } from '../environments/environment.ts';
import { InputError, SandboxError } from '../errors.ts';
import type { HookArgs } from '../harness/hooks.ts';
import { ProcessorRegistry } from '../harness/registry.ts';
import { parseHarnessSpec } from '../harness/spec.ts';
import { runEpisode } from '../runtime/run-episode.ts';
import { ScriptedEnvironment, scriptedTool } from '../testing/scripted-environment.ts';
import { callTool, ScriptedModel } from '../testing/scripted-model.ts';
import { type CodeProcessorRef, sha256Hex } from './code-processor-contract.ts';
import {
  createCodeProcessorDefinition,
  inspectCodeProcessor,
  prepareCodeProcessors,
} from './code-processor-definition.ts';
import { shutdownSandboxWorkers } from './sandbox-session.ts';

afterAll(() => shutdownSandboxWorkers());

function codeRef(
  source: string,
  id = 'evolved-test',
  options: Record<string, unknown> = {},
): CodeProcessorRef {
  return { id, code: { language: 'js', source, sha256: sha256Hex(source) }, options };
}

const REMINDER_SOURCE = `
const meta = { dimension: 'verification', description: 'Reminds the model of a failed tool call before its next turn.' };
let lastFailure = null;
const processor = {
  toolResult(args) {
    if (args.result.isError) {
      lastFailure = args.call.name;
      emit('failure-noted', { tool: args.call.name });
    }
  },
  modelRequest(args) {
    if (lastFailure === null) return undefined;
    const tool = lastFailure;
    lastFailure = null;
    return { type: 'request', appendUserMessage: args.options.prefix + ': your last ' + tool + ' call failed. Read the error and fix the arguments before you retry.' };
  },
};
`;

const task: TaskSpec = {
  id: 'take-apple',
  suite: 'scripted',
  split: 'adaptation',
  instruction: 'Take the apple.',
  difficulty: 1,
};
const harness = parseHarnessSpec({
  schemaVersion: 'harnessx.harness/1',
  name: 'code-processor-test',
  models: { worker: { provider: 'scripted', model: 'scripted-model' } },
});

function takeEnvironment(): ScriptedEnvironment {
  return new ScriptedEnvironment({
    tools: [scriptedTool('take', { object: 'string' }), scriptedTool('finish')],
    handlers: {
      take: (args, env) => {
        env.solved = args['object'] === 'apple';
        return env.solved ? 'You take the apple.' : 'There is no such object.';
      },
    },
  });
}

/** Resolves one code processor through a registry, as the harness loader does. */
function resolveCode(ref: CodeProcessorRef, definition = createCodeProcessorDefinition(ref)) {
  return new ProcessorRegistry()
    .register(definition)
    .resolve([{ id: ref.id, version: 1, options: ref.options }]);
}

describe('createCodeProcessorDefinition', () => {
  it('refuses a source whose sha256 does not match', () => {
    const ref = codeRef(REMINDER_SOURCE);
    const tampered = { ...ref, code: { ...ref.code, source: `${ref.code.source}\n// edited` } };
    expect(() => createCodeProcessorDefinition(tampered)).toThrow(SandboxError);
    expect(() => createCodeProcessorDefinition(tampered)).toThrow(
      expect.objectContaining({ code: 'SANDBOX_HASH_MISMATCH' }),
    );
  });

  it('refuses an empty source and bad limits', () => {
    expect(() => createCodeProcessorDefinition(codeRef('   '))).toThrow(
      expect.objectContaining({ code: 'SANDBOX_BAD_SOURCE' }),
    );
    expect(() =>
      createCodeProcessorDefinition(codeRef(REMINDER_SOURCE), { limits: { deadlineMs: 0 } }),
    ).toThrow(InputError);
  });

  it('rejects options that cannot cross the boundary at resolve time', () => {
    const ref = codeRef(REMINDER_SOURCE, 'evolved-test', JSON.parse('{"__proto__": {"x": 1}}'));
    expect(() => resolveCode(ref)).toThrow(InputError);
  });

  it('uses the inspected meta, order and hooks', async () => {
    const source = `const meta = { dimension: 'memory', description: 'Keeps notes.', order: 'post' };
      const processor = { turnEnd() {}, modelRequest() {} };`;
    const ref = codeRef(source);
    const inspection = await inspectCodeProcessor(ref);
    expect(inspection).toEqual({
      hooks: ['modelRequest', 'turnEnd'],
      meta: { dimension: 'memory', description: 'Keeps notes.', order: 'post' },
    });
    const definition = createCodeProcessorDefinition(ref, { inspection });
    expect(definition).toMatchObject({
      dimension: 'memory',
      description: 'Keeps notes.',
      order: 'post',
      version: 1,
    });
    expect(Object.keys(definition.create({})).sort()).toEqual(['modelRequest', 'taskEnd', 'turnEnd']);
  });

  it('defaults the dimension without inspection and wires every hook', () => {
    const definition = createCodeProcessorDefinition(codeRef(REMINDER_SOURCE), {
      defaultDimension: 'tool-use',
    });
    expect(definition.dimension).toBe('tool-use');
    expect(Object.keys(definition.create({}))).toHaveLength(8);
  });

  it('reports a bad meta, a missing processor and a processor without hooks', async () => {
    await expect(
      inspectCodeProcessor(
        codeRef("const meta = { dimension: 'magic', description: 'x' }; const processor = { turnEnd() {} };"),
      ),
    ).rejects.toMatchObject({ code: 'SANDBOX_BAD_META' });
    await expect(inspectCodeProcessor(codeRef('const helper = 1;'))).rejects.toMatchObject({
      code: 'SANDBOX_NO_PROCESSOR',
    });
    await expect(inspectCodeProcessor(codeRef('const processor = { notAHook() {} };'))).rejects.toMatchObject(
      {
        code: 'SANDBOX_NO_PROCESSOR',
      },
    );
  });
});

describe('a code processor in an episode', () => {
  it('appends a reminder after a failed tool call, end to end through runEpisode', async () => {
    const ref = codeRef(REMINDER_SOURCE, 'evolved-reminder', { prefix: 'Reminder' });
    const processors = resolveCode(
      ref,
      createCodeProcessorDefinition(ref, { inspection: await inspectCodeProcessor(ref) }),
    );
    const model = new ScriptedModel([
      callTool('take', { thing: 'apple' }),
      (request) => {
        const last = request.messages.at(-1);
        return last?.role === 'user' && last.content.startsWith('Reminder: your last take call failed')
          ? callTool('take', { object: 'apple' })
          : callTool('take', { thing: 'apple' });
      },
      callTool('finish', {}),
    ]);
    const environment = takeEnvironment();
    const result = await runEpisode({ harness, processors, environment, task, model, seed: 3, strict: true });
    expect(result.outcome).toBe('success');
    expect(model.calls[1]!.messages.at(-1)).toEqual({
      role: 'user',
      content: 'Reminder: your last take call failed. Read the error and fix the arguments before you retry.',
    });
    // The reminder is a request-only message, and it is not repeated once the failure was reported.
    expect(model.calls[2]!.messages.some((message) => message.content.startsWith('Reminder'))).toBe(false);
    expect(model.calls[2]!.messages.at(-1)).toMatchObject({ role: 'tool', content: 'You take the apple.' });
    const noted = result.trajectory.events.filter((event) => event.name === 'failure-noted');
    expect(noted).toHaveLength(1);
    expect(noted[0]!.attributes).toMatchObject({ tool: 'take', 'processor.id': 'evolved-reminder' });
  });

  it('keeps globals within an episode and starts every episode fresh', async () => {
    const source = `let count = 0; const processor = { modelRequest() { count += 1; return { type: 'request', appendUserMessage: 'count=' + count }; } };`;
    const ref = codeRef(source, 'evolved-counter');
    const processors = resolveCode(ref);
    for (let episode = 0; episode < 2; episode += 1) {
      const model = new ScriptedModel([callTool('take', { object: 'pear' }), callTool('finish', {})]);
      await runEpisode({ harness, processors, environment: takeEnvironment(), task, model, seed: episode });
      expect(model.calls.map((call) => call.messages.at(-1)?.content)).toEqual(['count=1', 'count=2']);
    }
  });

  it('records a hostile processor as processor-error events and still finishes the episode', async () => {
    const source = 'const processor = { modelRequest() { while (true) {} } };';
    const ref = codeRef(source, 'evolved-spinner');
    const model = new ScriptedModel([callTool('take', { object: 'apple' }), callTool('finish', {})]);
    const definition = createCodeProcessorDefinition(ref, { inspection: await inspectCodeProcessor(ref) });
    const result = await runEpisode({
      harness,
      processors: resolveCode(ref, definition),
      environment: takeEnvironment(),
      task,
      model,
      seed: 1,
    });
    expect(result.outcome).toBe('success');
    const errors = result.trajectory.events.filter((event) => event.name === 'processor-error');
    expect(errors.map((event) => event.attributes['error.type'])).toEqual([
      'SANDBOX_TIMEOUT',
      'SANDBOX_DISABLED',
    ]);
    expect(errors[0]!.attributes['processor.id']).toBe('evolved-spinner');
  });

  it('aborts a strict episode on a sandbox failure', async () => {
    const ref = codeRef("const processor = { turnStart() { throw new Error('boom'); } };", 'evolved-thrower');
    const model = new ScriptedModel([callTool('finish', {})]);
    const result = await runEpisode({
      harness,
      processors: resolveCode(ref),
      environment: takeEnvironment(),
      task,
      model,
      seed: 1,
      strict: true,
    });
    expect(result.outcome).toBe('error');
    expect(result.trajectory.error?.message).toMatch(/SANDBOX|boom/);
  });

  it('rejects an invalid emit inside the sandbox', async () => {
    const source = `const processor = { turnStart() {
      const problems = [];
      for (const [name, attributes] of [['Bad Name', {}], ['tool-used', { 'processor.id': 'spoof' }], ['tool-used', { nested: { a: 1 } }], ['tool-used', Object.fromEntries(Array.from({ length: 17 }, (_, i) => ['k' + i, i]))]]) {
        try { emit(name, attributes); problems.push('accepted'); } catch (e) { problems.push(e.name); }
      }
      emit('tool-used', { count: 1, ok: true, label: 'x' });
      return { type: 'history', messages: [], problems };
    } };`;
    const definition = createCodeProcessorDefinition(codeRef(source, 'evolved-emitter'));
    const hooks = definition.create({});
    const emitted: unknown[] = [];
    const args = {
      episode: { seed: 1 },
      messages: [],
      emit: (name: string, attributes: unknown) => emitted.push([name, attributes]),
    } as unknown as HookArgs['turnStart'];
    const patch = await hooks.turnStart!(args);
    expect(patch).toEqual({
      type: 'history',
      messages: [],
      problems: ['TypeError', 'TypeError', 'TypeError', 'TypeError'],
    });
    expect(emitted).toEqual([['tool-used', { count: 1, ok: true, label: 'x' }]]);
    await hooks.taskEnd!({
      ...args,
      outcome: 'success',
      success: true,
      reward: 1,
    } as unknown as HookArgs['taskEnd']);
  });

  it('resolves code processors through a prepared factory, reporting a broken one at its path', async () => {
    const good = codeRef(REMINDER_SOURCE, 'evolved-good');
    const broken = codeRef('const processor = { turnStart( };', 'evolved-broken');
    const factory = await prepareCodeProcessors([
      { id: 'loop-guard', version: 1, options: {} },
      good,
      broken,
    ]);
    expect(factory(good, 'processors[1]')).toMatchObject({ id: 'evolved-good', dimension: 'verification' });
    expect(() => factory(broken, 'processors[2]')).toThrow(
      expect.objectContaining({ code: 'SANDBOX_SYNTAX' }),
    );
  });
});
