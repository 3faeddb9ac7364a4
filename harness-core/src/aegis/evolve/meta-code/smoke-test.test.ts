import { afterAll, describe, expect, it } from 'vitest';
import { type CodeProcessorRef, sha256Hex, shutdownSandboxWorkers } from '../../../sandbox/index.ts';
import { smokeEpisodeSteps } from './smoke-episode.ts';
import { smokeTestCodeProcessor, smokeTestHarnessCodeProcessors } from './smoke-test.ts';

afterAll(() => shutdownSandboxWorkers());

function ref(source: string, id = 'evolved-smoke', options: Record<string, unknown> = {}): CodeProcessorRef {
  return { id, code: { language: 'js', source, sha256: sha256Hex(source) }, options };
}

const WELL_BEHAVED = `
const meta = { dimension: 'tool-use', description: 'Explains malformed tool arguments.' };
const processor = {
  toolResult(args) {
    let valid = true;
    try { JSON.parse(args.call.arguments); } catch (error) { valid = false; }
    if (valid) return undefined;
    return { type: 'tool-result', content: args.result.content + ' The arguments must be one JSON object.', isError: true };
  },
  turnStart(args) {
    if (args.messages.length < 8) return undefined;
    return { type: 'history', messages: [args.messages[0], ...args.messages.slice(-4)] };
  },
  turnEnd(args) { emit('turn-observed', { calls: args.record.toolCalls.length }); },
};`;

describe('smokeTestCodeProcessor', () => {
  it('passes a well-behaved processor and reports what it declares', async () => {
    const result = await smokeTestCodeProcessor(ref(WELL_BEHAVED));
    expect(result).toEqual({
      ok: true,
      errors: [],
      inspection: {
        hooks: ['turnStart', 'toolResult', 'turnEnd'],
        meta: { dimension: 'tool-use', description: 'Explains malformed tool arguments.' },
      },
    });
  });

  it('gives the same answer twice', async () => {
    const broken = ref(
      "const processor = { toolCall(args) { return { type: 'tool-call', action: 'delete' }; } };",
    );
    expect(await smokeTestCodeProcessor(broken)).toEqual(await smokeTestCodeProcessor(broken));
  });

  it('reports load failures under the load hook', async () => {
    const tampered = {
      ...ref(WELL_BEHAVED),
      code: { ...ref(WELL_BEHAVED).code, source: `${WELL_BEHAVED} ` },
    };
    expect((await smokeTestCodeProcessor(tampered)).errors).toEqual([
      expect.objectContaining({ hook: 'load', code: 'SANDBOX_HASH_MISMATCH' }),
    ]);
    expect((await smokeTestCodeProcessor(ref('const processor = {'))).errors).toEqual([
      expect.objectContaining({ hook: 'load', code: 'SANDBOX_SYNTAX' }),
    ]);
    expect(
      (await smokeTestCodeProcessor(ref('const meta = 1; const processor = { turnEnd() {} };'))).errors,
    ).toEqual([expect.objectContaining({ hook: 'load', code: 'SANDBOX_BAD_META' })]);
  });

  it('flags patches the hook does not permit, including the runtime semantic checks', async () => {
    const source = `const processor = {
      turnEnd() { return { type: 'history', messages: [] }; },
      toolCall() { return { type: 'tool-call', action: 'delete' }; },
      turnStart(args) { return { type: 'history', messages: args.messages.slice(1) }; },
      taskStart() { return { type: 'task-start', tools: [{ name: 'shell', description: 'run', parameters: {} }] }; },
    };`;
    const result = await smokeTestCodeProcessor(ref(source));
    expect(result.ok).toBe(false);
    const byHook = Object.fromEntries(result.errors.map((error) => [error.hook, error]));
    expect(byHook['turnEnd']).toMatchObject({ code: 'PROCESSOR_CONTRACT', message: /read-only/ });
    expect(byHook['toolCall']).toMatchObject({ code: 'PROCESSOR_CONTRACT', message: /does not permit/ });
    expect(byHook['turnStart']).toMatchObject({
      code: 'PROCESSOR_CONTRACT',
      message: /system message must stay first/,
    });
    expect(byHook['taskStart']).toMatchObject({ code: 'PROCESSOR_CONTRACT', message: /unknown: shell/ });
    // Each distinct problem once, although turnEnd ran on every turn.
    expect(result.errors.filter((error) => error.hook === 'turnEnd')).toHaveLength(1);
  });

  it('refuses a source that reaches for host secrets before running it', async () => {
    const source = `const processor = { modelRequest() {
      const key = typeof process === 'undefined' ? undefined : process.env.OPENAI_API_KEY;
      return key ? { type: 'request', appendUserMessage: key } : undefined;
    } };`;
    expect(await smokeTestCodeProcessor(ref(source))).toEqual({
      ok: false,
      errors: [
        {
          hook: 'load',
          code: 'SANDBOX_HOST_ACCESS',
          message: 'the source reaches for host objects: process (line 2)',
        },
      ],
    });
  });

  it('records the first limit breach and not the disabled calls after it', async () => {
    const result = await smokeTestCodeProcessor(ref('const processor = { modelRequest() { for (;;) {} } };'));
    expect(result.errors).toEqual([
      expect.objectContaining({ hook: 'modelRequest', code: 'SANDBOX_TIMEOUT' }),
    ]);
  });

  it('runs only on failures when the processor waits for one', async () => {
    const source = `let failures = 0; const processor = {
      toolResult(args) { if (args.result.isError) failures++; },
      taskEnd() { if (failures !== 2) throw new Error('saw ' + failures + ' failures'); },
    };`;
    expect((await smokeTestCodeProcessor(ref(source))).ok).toBe(true);
  });

  it('formats every code processor of a harness for the gate', async () => {
    const result = await smokeTestHarnessCodeProcessors([
      { id: 'loop-guard', version: 1, options: {} },
      ref(WELL_BEHAVED, 'evolved-good'),
      ref("const processor = { turnStart() { throw new Error('nope'); } };", 'evolved-bad'),
    ]);
    expect(result.ok).toBe(false);
    expect(result.errors).toEqual([expect.stringMatching(/^evolved-bad turnStart SANDBOX_THROWN: .*nope/)]);
  });
});

describe('smokeEpisodeSteps', () => {
  it('covers every hook, failures included, in runtime order', () => {
    const steps = smokeEpisodeSteps();
    expect(steps[0]!.hook).toBe('taskStart');
    expect(steps.at(-1)!.hook).toBe('taskEnd');
    expect(new Set(steps.map((step) => step.hook)).size).toBe(8);
    const failed = steps.filter(
      (step) => step.hook === 'toolResult' && (step.data['result'] as { isError: boolean }).isError,
    );
    expect(failed).toHaveLength(2);
    expect(JSON.stringify(smokeEpisodeSteps())).toBe(JSON.stringify(steps));
  });
});
