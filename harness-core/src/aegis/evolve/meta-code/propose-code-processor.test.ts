import { afterAll, describe, expect, it } from 'vitest';
import type { TaskSpec } from '../../../environments/environment.ts';
import { AbortedError, TransientError } from '../../../errors.ts';
import { ProcessorRegistry } from '../../../harness/registry.ts';
import { parseHarnessSpec, processorRefSchema } from '../../../harness/spec.ts';
import type { GenerateRequest, GenerateResult, ModelV1 } from '../../../providers/model.ts';
import { runEpisode } from '../../../runtime/run-episode.ts';
import { createCodeProcessorDefinition, sha256Hex, shutdownSandboxWorkers } from '../../../sandbox/index.ts';
import { ScriptedEnvironment, scriptedTool } from '../../../testing/scripted-environment.ts';
import { ScriptedMetaModel } from '../../../testing/scripted-meta-model.ts';
import { callTool, ScriptedModel } from '../../../testing/scripted-model.ts';
import { changeSchema, manifestSchema } from '../../artifacts/candidate.ts';
import type { FailureCluster } from '../../artifacts/digest.ts';
import type { Hypothesis } from '../../artifacts/plan.ts';
import { evolvedProcessorId, proposeCodeProcessor } from './propose-code-processor.ts';

afterAll(() => shutdownSandboxWorkers());

const hypothesis: Hypothesis = {
  id: 'h2-Verification',
  rank: 1,
  lever: 'verification',
  kind: 'structural',
  targetCluster: 'repeated-failed-action:take',
  edit: { operator: 'meta-code', params: {} },
  rationale: 'The worker repeats a failed take instead of checking why it failed.',
  predicted: { unlock: ['household-07'], stabilise: [], atRisk: [] },
  score: 0.8,
};

const cluster: FailureCluster = {
  id: 'repeated-failed-action:take',
  failureClass: 'repeated-failed-action',
  count: 4,
  taskIds: ['household-07', 'household-11'],
  actionability: 0.7,
  tool: 'take',
  evidence: [{ traceId: 'a1b2', turn: 3, excerpt: 'take {"object":"mug 1"} -> Nothing happens.' }],
  members: [
    { traceId: 'a1b2', taskId: 'household-07', reward: 0, turns: 12, turn: 4, spanTurn: 3 },
    { traceId: 'a1b3', taskId: 'household-07', reward: 0, turns: 14, turn: 6 },
    { traceId: 'a1b4', taskId: 'household-11', reward: 0, turns: 9, turn: 5 },
    { traceId: 'a1b5', taskId: 'household-11', reward: 0, turns: 11, turn: 2 },
  ],
};

const propose = (model: ModelV1, extra: Partial<Parameters<typeof proposeCodeProcessor>[0]> = {}) =>
  proposeCodeProcessor({ hypothesis, cluster, model, ...extra });

describe('proposeCodeProcessor', () => {
  it('turns a good reply into a smoke-tested processor reference and a manifest change', async () => {
    const model = new ScriptedMetaModel('good');
    const proposal = await propose(model);
    expect(proposal.ok).toBe(true);
    if (!proposal.ok) return;
    const { ref, manifestChange } = proposal;
    expect(ref.id).toMatch(/^evolved-h2-verification-[0-9a-f]{8}$/);
    expect(ref.code.sha256).toBe(sha256Hex(ref.code.source));
    expect(processorRefSchema.parse(ref)).toEqual(ref);
    expect(ref.code.source).toContain('const processor');
    expect(proposal.smoke).toMatchObject({ ok: true, errors: [] });
    expect(changeSchema.parse(manifestChange)).toEqual(manifestChange);
    expect(manifestChange).toMatchObject({
      kind: 'add-code-processor',
      target: ref.id,
      after: { sha256: ref.code.sha256, dimension: 'verification', hooks: ['modelRequest', 'toolResult'] },
    });
    expect(proposal.usage.inputTokens).toBeGreaterThan(0);
    expect(proposal.usage.outputTokens).toBeGreaterThan(0);
    // The change fits a complete manifest of the meta-model path.
    manifestSchema.parse({
      hypothesisId: hypothesis.id,
      lever: hypothesis.lever,
      kind: hypothesis.kind,
      changes: [manifestChange],
      capabilityEvidence: { cluster: cluster.id, failureClass: cluster.failureClass, examples: [] },
      predictedImpact: hypothesis.predicted,
      attribution: { source: 'meta-model', edit: hypothesis.edit, model: 'scripted:scripted-meta-model' },
    });
  });

  it('sends the contract, the evidence and the lever, but no task ids', async () => {
    const model = new ScriptedMetaModel('good');
    await propose(model);
    const request = model.calls[0]!;
    expect(request.tools).toEqual([]);
    const [system, user] = request.messages;
    expect(system?.content).toContain('Hooks (each receives one args object');
    expect(user?.content).toContain("meta.dimension = 'verification'");
    expect(user?.content).toContain('Nothing happens.');
    expect(user?.content).toContain('failure class repeated-failed-action');
    expect(JSON.stringify(request.messages)).not.toMatch(/household-07|household-11/);
  });

  it('accepts bare code', async () => {
    expect((await propose(new ScriptedMetaModel('good-bare'))).ok).toBe(true);
  });

  it.each([
    ['prose', 'no-code', /no JavaScript/],
    ['syntax-error', 'smoke-failed', /load SANDBOX_SYNTAX/],
    ['infinite-loop', 'smoke-failed', /modelRequest SANDBOX_TIMEOUT/],
    [
      'forbidden-patch',
      'smoke-failed',
      /modelRequest PROCESSOR_CONTRACT: .*does not permit \(type "history"/,
    ],
    ['host-access', 'host-access', /globalThis \(line 4\)/],
    ['memory-bomb', 'smoke-failed', /turnStart SANDBOX_(MEMORY|TIMEOUT)/],
    ['wrong-lever', 'lever-mismatch', /declares dimension "memory"; the hypothesis lever is "verification"/],
  ] as const)('refuses a %s reply as %s', async (behaviour, failure, reason) => {
    const proposal = await propose(new ScriptedMetaModel(behaviour));
    expect(proposal.ok).toBe(false);
    if (proposal.ok) return;
    expect(proposal.failure).toBe(failure);
    expect(proposal.reason).toMatch(reason);
  });

  it('refuses code that is too long', async () => {
    const proposal = await propose(new ScriptedMetaModel('good'), { maxSourceChars: 100 });
    expect(proposal).toMatchObject({ ok: false, failure: 'too-long' });
  });

  it('reports a failing or odd model as a refusal, and an abort as an abort', async () => {
    const failing: ModelV1 = {
      specificationVersion: 'v1',
      provider: 'test',
      modelId: 'failing',
      doGenerate: async () => {
        throw new TransientError('503 from upstream');
      },
    };
    expect(await propose(failing)).toMatchObject({
      ok: false,
      failure: 'model-error',
      reason: /503 from upstream/,
    });
    const odd: ModelV1 = {
      ...failing,
      doGenerate: async () => ({ text: 42 }) as unknown as GenerateResult,
    };
    expect(await propose(odd)).toMatchObject({ ok: false, failure: 'bad-reply' });
    const huge: ModelV1 = {
      ...failing,
      doGenerate: async (_request: GenerateRequest) =>
        ({
          text: 'x'.repeat(300_000),
          toolCalls: [],
          finishReason: 'stop',
          usage: { inputTokens: 1, outputTokens: 1 },
        }) as GenerateResult,
    };
    expect(await propose(huge)).toMatchObject({ ok: false, failure: 'bad-reply' });
    const aborting: ModelV1 = {
      ...failing,
      doGenerate: async () => {
        throw new AbortedError();
      },
    };
    await expect(propose(aborting)).rejects.toBeInstanceOf(AbortedError);
  });

  it('proposes a processor that changes the episode the way its hypothesis says', async () => {
    const proposal = await propose(new ScriptedMetaModel('good'));
    if (!proposal.ok) throw new Error(proposal.reason);
    const definition = createCodeProcessorDefinition(proposal.ref, {
      inspection: proposal.smoke.inspection!,
    });
    const processors = new ProcessorRegistry()
      .register(definition)
      .resolve([{ id: proposal.ref.id, version: 1, options: {} }]);
    const environment = new ScriptedEnvironment({
      tools: [scriptedTool('take', { object: 'string' }), scriptedTool('finish')],
      handlers: { take: () => ({ content: 'Nothing happens.', isError: true }) },
    });
    const model = new ScriptedModel(
      [callTool('take', { object: 'mug' }), callTool('take', { object: 'mug' })],
      {
        whenExhausted: 'stop',
      },
    );
    const task: TaskSpec = {
      id: 't',
      suite: 's',
      split: 'adaptation',
      instruction: 'Take the mug.',
      difficulty: 1,
    };
    const harness = parseHarnessSpec({
      schemaVersion: 'harnessx.harness/1',
      name: 'meta-code-test',
      models: { worker: { provider: 'scripted', model: 'scripted-model' } },
    });
    await runEpisode({ harness, processors, environment, task, model, seed: 1, strict: true });
    expect(model.calls[1]!.messages.at(-1)?.content).toMatch(
      /^Your last action "take \{"object":"mug"\}" failed/,
    );
    expect(model.calls[2]!.messages.at(-1)?.content).toMatch(/tried "take \{"object":"mug"\}" 2 times/);
  });
});

describe('evolvedProcessorId', () => {
  it('makes a valid, source-specific id from any hypothesis id', () => {
    const sha = 'ab'.repeat(32);
    expect(evolvedProcessorId('H1: Loop guard!', sha)).toBe('evolved-h1-loop-guard-abababab');
    expect(evolvedProcessorId('!!!', sha)).toBe('evolved-abababab');
    const long = evolvedProcessorId('x'.repeat(200), sha);
    expect(long.length).toBeLessThanOrEqual(64);
    expect(long).toMatch(/^[a-z][a-z0-9-]{1,63}$/);
  });
});
