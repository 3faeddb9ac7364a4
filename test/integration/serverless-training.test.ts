/**
 * The co-evolution loop on the local stack: a published cycle's groups land under
 * `datasets/grpo/<cycleId>/`, the critic's `train` message makes train-launch send a valid
 * CreateTrainingJob to the local SageMaker stub, and a "Completed" state-change event — delivered
 * twice, as EventBridge may — registers exactly one model version and starts the next cycle with it.
 */
import { randomUUID } from 'node:crypto';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createLocalClients,
  type LocalFoundry,
  type LocalStack,
} from '../../harness-core/src/adapters/aws/local-stack/index.ts';
import type { CycleState } from '../../harness-core/src/aegis/artifacts/cycle-state.ts';
import { registerProject } from '../../harness-core/src/aegis/distributed/index.ts';
import { projectSchema } from '../../harness-core/src/aegis/project.ts';
import { readGroupDataset } from '../../harness-core/src/coevolution/index.ts';
import { trainingJobName } from '../../harness-core/src/ports/training-backend.ts';
import {
  householdTraceFiles,
  loadHouseholdProject,
  readCycleState,
  storeText,
} from './support/household-fixture.ts';
import { startTestStack, type TestStack } from './support/test-stack.ts';

const completedEvent = (jobName: string, bucket: string) =>
  JSON.stringify({
    version: '0',
    id: randomUUID(),
    'detail-type': 'SageMaker Training Job State Change',
    source: 'aws.sagemaker',
    account: '000000000000',
    time: '2026-11-24T12:00:00Z',
    region: 'us-east-1',
    resources: [`arn:aws:sagemaker:us-east-1:000000000000:training-job/${jobName}`],
    detail: {
      TrainingJobName: jobName,
      TrainingJobStatus: 'Completed',
      SecondaryStatus: 'Completed',
      ModelArtifacts: { S3ModelArtifacts: `s3://${bucket}/models/${jobName}/output/model.tar.gz` },
    },
  });

describe('the co-evolution loop on the local stack', () => {
  const jobName = trainingJobName({ project: 'household', cycleId: 'household-c001', attempt: 1 });
  let testStack: TestStack | undefined;
  let stack: LocalStack;
  let local: LocalFoundry;
  let first: CycleState;
  let second: CycleState;
  let launchedJob: Record<string, unknown> | undefined;

  beforeAll(async () => {
    testStack = await startTestStack('training');
    ({ stack, local } = testStack);
    const { project, baselineSpec } = await loadHouseholdProject();
    const trained = {
      ...project,
      training: projectSchema.shape.training.parse({
        minGroups: 1,
        baseModelPrefix: 'base-models/tiny/',
        modelBackend: 'tiny',
      }),
    };
    await registerProject(local, { project: trained, baselineSpec });
    const files = await householdTraceFiles(baselineSpec, 3);
    for (const [index, body] of files.entries()) {
      await local.store.put(`traces/household/2026/11/24/agent-run-${index}.json`, body);
    }
    await stack.waitForIdle({ timeoutMs: 400_000 });
    first = await readCycleState(local, trained, baselineSpec, 'household-c001');
    launchedJob = stack.sagemaker.job(jobName);
    const clients = createLocalClients(stack.endpoints);
    for (let delivery = 0; delivery < 2; delivery++) {
      await clients.sqs.send(
        new SendMessageCommand({
          QueueUrl: stack.resources.queues['training-events'].url,
          MessageBody: completedEvent(jobName, stack.resources.bucket),
        }),
      );
    }
    clients.destroy();
    await stack.waitForIdle({ timeoutMs: 400_000 });
    second = await readCycleState(local, trained, baselineSpec, 'household-c002');
  }, 900_000);

  afterAll(async () => {
    await testStack?.stop();
  });

  it("writes the published cycle's cross-harness groups under datasets/grpo/<cycleId>/", async () => {
    expect(first.stage).toBe('done');
    const dataset = await readGroupDataset(local.store, 'household-c001');
    expect(dataset.records.length).toBeGreaterThan(0);
  });

  it('sends a CreateTrainingJob the SageMaker stub accepts: spot, checkpoints, channels, tags', () => {
    expect(launchedJob).toBeDefined();
    expect(launchedJob).toMatchObject({
      TrainingJobName: jobName,
      EnableManagedSpotTraining: true,
      RoleArn: expect.stringMatching(/^arn:aws:iam::\d{12}:role\//),
      CheckpointConfig: { S3Uri: `s3://${stack.resources.bucket}/models/${jobName}/checkpoints/` },
      OutputDataConfig: { S3OutputPath: `s3://${stack.resources.bucket}/models/${jobName}/output/` },
    });
    const channels = ((launchedJob?.InputDataConfig ?? []) as { ChannelName: string }[]).map(
      (c) => c.ChannelName,
    );
    expect(channels.sort()).toEqual(['model', 'train']);
    const creates = stack.sagemaker.requests.filter((request) => request.operation === 'CreateTrainingJob');
    expect(creates.length).toBeGreaterThanOrEqual(1);
  });

  it('registers exactly one model version from the event delivered twice, and the next cycle runs with it', async () => {
    expect(await local.store.list(`models/household/${jobName}/`)).toEqual([
      `models/household/${jobName}/model.json`,
    ]);
    expect(await local.registry.getCurrent('worker-model:household')).toMatchObject({
      contentId: jobName,
      version: 1,
    });
    expect(JSON.parse(await storeText(local.store, `models/${jobName}/outcome.json`))).toMatchObject({
      status: 'Completed',
      modelId: jobName,
    });
    expect(second.stage).toBe('done');
    expect(second.workerModel?.model).toBe(jobName);
    expect(await local.store.get('cycles/household-c003/state.json')).toBeUndefined();
    expect((await local.store.list('errors/train-complete/')).length).toBe(0);
  });
});
