/**
 * The serverless foundry end to end on the local stack: the bundled Lambda handlers, invoked the way
 * Lambda's SQS event sources invoke them, over fauxqs (S3 + SQS) and dynalite (DynamoDB). Uploading
 * traces for the household project runs every stage to a new harness version in the bucket and the
 * current pointer in the table, with the gate decision the in-process cycle makes on the same seed.
 * A broken trace file and a malformed queue message end as error records, and the rest goes through.
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createLocalClients,
  type LocalFoundry,
  type LocalStack,
  openLocalFoundry,
  readStackQueueDepths,
  startLocalStack,
} from '../../harness-core/src/adapters/aws/local-stack/index.ts';
import { createEmbeddedFoundry } from '../../harness-core/src/adapters/embedded/index.ts';
import type { CycleState } from '../../harness-core/src/aegis/artifacts/cycle-state.ts';
import { composeCycleDeps } from '../../harness-core/src/aegis/compose-cycle-deps.ts';
import { registerProject } from '../../harness-core/src/aegis/distributed/index.ts';
import { loadCycleState, newCycleState, runCycle } from '../../harness-core/src/aegis/pipeline/run-cycle.ts';
import { type ArtifactStore, storeKeys } from '../../harness-core/src/ports/artifact-store.ts';
import type { PipelineQueueName } from '../../harness-core/src/ports/foundry-topology.ts';
import { householdTraceFiles, loadHouseholdProject, REPO_ROOT } from './support/household-fixture.ts';

const withoutTraceIds = (body: string) => body.replace(/\b([0-9a-f]{32}|[0-9a-f]{16})\b/g, '<id>');
const text = async (store: ArtifactStore, key: string) =>
  Buffer.from((await store.get(key)) ?? []).toString();

describe('the serverless foundry on the local stack', () => {
  const stateDir = join(REPO_ROOT, '.harnessx', `test-stack-${randomUUID().slice(0, 8)}`);
  let referenceDir: string;
  let stack: LocalStack;
  let local: LocalFoundry;
  let onStack: CycleState;
  let reference: CycleState;
  let referenceStore: ArtifactStore;
  const traceKeys = [0, 1, 2].map((i) => `traces/household/2026/11/24/agent-run-${i}.json`);

  beforeAll(async () => {
    stack = await startLocalStack({
      repoRoot: REPO_ROOT,
      stateDir,
      ports: { s3AndSqs: 0, dynamodb: 0 },
      visibilityTimeoutSeconds: 60,
    });
    local = openLocalFoundry({
      endpoints: stack.endpoints,
      bucket: stack.resources.bucket,
      tables: stack.resources.tables,
    });
    const { project, baselineSpec } = await loadHouseholdProject();
    const { baselineContentId } = await registerProject(local, { project, baselineSpec });
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
    const emit = () => {};
    const stored = await loadCycleState(
      composeCycleDeps({ project, baselineSpec, ...local, env: {}, source: 'test', emit }).deps,
      'household-c001',
    );
    if (!stored) throw new Error('the stack ran no cycle');
    onStack = stored;

    referenceDir = await mkdtemp(join(tmpdir(), 'hx-reference-'));
    const other = createEmbeddedFoundry(referenceDir);
    referenceStore = other.store;
    await registerProject(other, { project, baselineSpec });
    for (const [index, key] of traceKeys.entries()) await other.store.put(key, files[index] ?? '');
    const { deps } = composeCycleDeps({ project, baselineSpec, ...other, env: {}, source: 'test', emit });
    const initial = newCycleState('household', 1, baselineContentId);
    initial.artifacts.uploadedTraces = [...traceKeys].sort();
    reference = await runCycle(deps, initial);
  }, 600_000);

  afterAll(async () => {
    local?.close();
    await stack?.stop();
    await rm(stateDir, { recursive: true, force: true });
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
    expect(onStack.outcome).toEqual(reference.outcome);
    expect(onStack.artifacts.gate).toEqual(reference.artifacts.gate);
    const keys = [
      ...(reference.artifacts.gate ?? []),
      ...Object.values(reference.artifacts.verdicts ?? {}),
      ...(reference.artifacts.candidates ?? []),
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
    expect(depths).toHaveLength(6);
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
