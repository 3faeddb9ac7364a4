import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createLocalClients,
  type LocalFoundry,
  type LocalStack,
  readStackQueueDepths,
} from '../../harness-core/src/adapters/aws/local-stack/index.ts';
import type { CycleState } from '../../harness-core/src/aegis/artifacts/cycle-state.ts';
import { registerProject } from '../../harness-core/src/aegis/distributed/index.ts';
import { type ArtifactStore, storeKeys } from '../../harness-core/src/ports/artifact-store.ts';
import {
  PIPELINE_QUEUE_NAMES,
  type PipelineQueueName,
} from '../../harness-core/src/ports/foundry-topology.ts';
import {
  householdTraceFiles,
  loadHouseholdProject,
  readCycleState,
  runReferenceCycle,
  storeText as text,
  withoutTraceIds,
} from './support/household-fixture.ts';
import { startTestStack, type TestStack } from './support/test-stack.ts';

describe('the serverless foundry on the local stack', () => {
  let referenceDir: string;
  let testStack: TestStack | undefined;
  let stack: LocalStack;
  let local: LocalFoundry;
  let onStack: CycleState;
  let referenceState: CycleState;
  let referenceStore: ArtifactStore;
  const traceKeys = [0, 1, 2].map((i) => `traces/household/2026/11/24/agent-run-${i}.json`);

  beforeAll(async () => {
    testStack = await startTestStack('stack');
    ({ stack, local } = testStack);
    const { project, baselineSpec } = await loadHouseholdProject();
    await registerProject(local, { project, baselineSpec });
    const files = await householdTraceFiles(baselineSpec, traceKeys.length);
    await local.store.put('traces/household/2026/11/24/broken.json', '{"resourceSpans": 7}');
    const clients = createLocalClients(stack.endpoints);
    await clients.sqs.send(
      new SendMessageCommand({
        QueueUrl: stack.resources.queues.digest.url,
        MessageBody: '{"type":"digest"}',
      }),
    );
    clients.destroy();
    for (const [index, key] of traceKeys.entries()) await local.store.put(key, files[index] ?? '');
    await stack.waitForIdle({ timeoutMs: 400_000 });
    onStack = await readCycleState(local, project, baselineSpec, 'household-c001');
    referenceDir = await mkdtemp(join(tmpdir(), 'hx-reference-'));
    const traces = traceKeys.map((key, index) => ({ key, body: files[index] ?? '' }));
    const reference = await runReferenceCycle({ dir: referenceDir, project, baselineSpec, traces });
    referenceState = reference.state;
    referenceStore = reference.store;
  }, 600_000);

  afterAll(async () => {
    await testStack?.stop();
    if (referenceDir) await rm(referenceDir, { recursive: true, force: true });
  });

  it('runs every stage to a new version in the bucket and the current pointer in the table', async () => {
    expect(onStack.stage).toBe('done');
    expect(onStack.artifacts.uploadedTraces).toEqual([...traceKeys].sort());
    expect(onStack.outcome?.status).toBe('accepted');
    const newContentId = onStack.outcome?.newContentId ?? '';
    expect(await local.store.get(storeKeys.harnessVersion('household-baseline', newContentId))).toBeDefined();
    expect(await local.registry.getCurrent('household-baseline')).toMatchObject({
      contentId: newContentId,
      version: 2,
    });
    expect(await local.registry.getLease('cycle:household')).toBeUndefined();
  });

  it('makes the gate decision the in-process cycle makes on the same seed', async () => {
    expect(onStack.outcome).toEqual(referenceState.outcome);
    expect(onStack.artifacts.gate).toEqual(referenceState.artifacts.gate);
    const keys = [
      ...(referenceState.artifacts.gate ?? []),
      ...Object.values(referenceState.artifacts.verdicts ?? {}),
      ...(referenceState.artifacts.candidates ?? []),
    ];
    for (const key of keys) {
      const same =
        withoutTraceIds(await text(local.store, key)) === withoutTraceIds(await text(referenceStore, key));
      expect(same, `${key} differs between the stack and the in-process cycle`).toBe(true);
    }
  });

  it('records a broken trace file and a malformed message with their reasons, and loses nothing else', async () => {
    const traceErrors = await local.store.list('errors/traces/');
    expect(traceErrors).toHaveLength(1);
    expect(await text(local.store, traceErrors[0] ?? '')).toContain('broken.json');
    const messageErrors = await local.store.list('errors/digest/');
    expect(messageErrors).toHaveLength(1);
    expect(await text(local.store, messageErrors[0] ?? '')).toMatch(/schemaVersion|queue message/);
    const queues = Object.values(stack.resources.queues);
    const depths = await readStackQueueDepths({
      endpoints: stack.endpoints,
      queues: Object.fromEntries(queues.map((q) => [q.stage.queue, q.url])) as Record<
        PipelineQueueName,
        string
      >,
      deadLetterQueues: Object.fromEntries(queues.map((q) => [q.stage.queue, q.deadLetter.url])) as Record<
        PipelineQueueName,
        string
      >,
    });
    expect(depths).toHaveLength(PIPELINE_QUEUE_NAMES.length);
    for (const { queue, depth, deadLetters } of depths) {
      expect({ queue, ...depth, deadLetters }).toMatchObject({
        queue,
        visible: 0,
        inFlight: 0,
        deadLetters: 0,
      });
    }
  });
});
