/**
 * train-launch: after a cycle is published, when the replay buffer holds enough groups sampled by
 * the project's current worker, the groups are composed into one training set and a GRPO training
 * job is started on the `TrainingBackend` (SageMaker managed spot on AWS). Launching is idempotent:
 * the job name follows from project and cycle, and a redelivered message finds the job it started.
 */

import { z } from 'zod';
import { basePolicy, policyId, ReplayBuffer, serializeManifest } from '../../coevolution/index.ts';
import { SystemError } from '../../errors.ts';
import { canonicalJson } from '../../harness/canonical.ts';
import { modelConfigSchema } from '../../harness/spec.ts';
import { parseTrainingJobSpec, type TrainingBackend, trainingJobName } from '../../ports/training-backend.ts';
import type { StageMessage } from '../../ports/work-queue.ts';
import { composeCycleDeps } from '../compose-cycle-deps.ts';
import { readArtifact, zodCodec } from '../pipeline/artifact-io.ts';
import type { DistributedFoundry } from './foundry.ts';
import { currentWorkerModel } from './model-versions.ts';
import { loadRegisteredProject } from './project-registration.ts';

export interface TrainingLaunchSettings {
  backend: TrainingBackend;
  bucket: string;
  region: string;
  /** The role jobs run as and the trainer's `sourcedir.tar.gz`: absent where training is not deployed. */
  training?: { roleArn: string; codeUri: string };
}

export type TrainingLaunchOutcome =
  | { status: 'launched' | 'already-launched'; jobName: string; groups: number }
  | { status: 'skipped'; reason: string };

/** What train-complete needs to know about a job: stored beside the job's outputs. */
export const trainingJobRecordSchema = z
  .object({
    schema: z.literal('harnessx.training-job/1'),
    project: z.string().min(1),
    cycleId: z.string().min(1),
    jobName: z.string().min(1),
    policyId: z.string().min(1),
    /** The model that sampled the groups; the trained version keeps its provider and options. */
    worker: modelConfigSchema,
    spec: z.record(z.string(), z.unknown()),
  })
  .strict();
export type TrainingJobRecord = z.output<typeof trainingJobRecordSchema>;
export const trainingJobCodec = zodCodec(trainingJobRecordSchema, 'training job record');

export const trainingJobKey = (jobName: string) => `models/${jobName}/job.json`;
const trainingSetPrefix = (jobName: string) => `datasets/grpo/training/${jobName}/`;

export async function launchTraining(
  foundry: DistributedFoundry,
  message: StageMessage,
  settings: TrainingLaunchSettings,
): Promise<TrainingLaunchOutcome> {
  const project = await loadRegisteredProject(foundry.store, message.project);
  const training = project?.config.training;
  if (!project || !training) return { status: 'skipped', reason: 'the project has no training block' };
  if (!settings.training)
    return { status: 'skipped', reason: 'no training role or trainer code is deployed' };
  const worker =
    (await currentWorkerModel(foundry, project.config.name)) ?? project.baselineSpec.models.worker;
  const { deps } = composeCycleDeps({
    project: project.config,
    baselineSpec: project.baselineSpec,
    worker,
    store: foundry.store,
    registry: foundry.registry,
    env: foundry.modelEnv ?? {},
    source: project.source,
    emit: () => {},
  });
  const policy = policyId(basePolicy(deps.worker.model.provider, deps.worker.model.modelId));
  const buffer = await ReplayBuffer.open(foundry.store);
  const groups = buffer.groupsAvailable(policy);
  if (groups < training.minGroups) {
    return {
      status: 'skipped',
      reason: `${groups} groups of the current worker, ${training.minGroups} needed`,
    };
  }
  const jobName = trainingJobName({ project: project.config.name, cycleId: message.cycleId, attempt: 1 });
  if ((await foundry.store.get(trainingJobKey(jobName))) === undefined) {
    const set = await buffer.composeTrainingSet(policy);
    // Mutable: written before the job exists, so a retried launch may rewrite them (new created_at).
    await foundry.store.put(`${trainingSetPrefix(jobName)}groups.jsonl`, set.jsonl);
    await foundry.store.put(`${trainingSetPrefix(jobName)}manifest.json`, serializeManifest(set.manifest));
    const s3 = (key: string) => `s3://${settings.bucket}/${key}`;
    const spec = parseTrainingJobSpec(
      {
        project: project.config.name,
        cycleId: message.cycleId,
        jobName,
        dataset: { trainUri: s3(trainingSetPrefix(jobName)) },
        baseModelUri: s3(training.baseModelPrefix),
        outputUri: s3(`models/${jobName}/output/`),
        checkpointUri: s3(`models/${jobName}/checkpoints/`),
        codeUri: settings.training.codeUri,
        trainerConfig: training.trainerConfig,
        modelBackend: training.modelBackend,
        instanceType: training.instanceType,
        volumeSizeGb: training.volumeSizeGb,
        maxRuntimeSeconds: training.maxRuntimeSeconds,
        maxWaitSeconds: training.maxWaitSeconds,
        roleArn: settings.training.roleArn,
        region: settings.region,
        image: training.image,
      },
      `project ${project.config.name} training block`,
    );
    const record: TrainingJobRecord = {
      schema: 'harnessx.training-job/1',
      project: project.config.name,
      cycleId: message.cycleId,
      jobName,
      policyId: policy,
      worker,
      spec,
    };
    await foundry.store.put(trainingJobKey(jobName), canonicalJson(record));
  }
  const record = await readArtifact(foundry.store, trainingJobKey(jobName), trainingJobCodec);
  if (!record) throw new SystemError(`training job record ${trainingJobKey(jobName)} vanished`);
  const launched = await settings.backend.launch(parseTrainingJobSpec(record.spec, trainingJobKey(jobName)));
  return {
    status: launched.outcome === 'created' ? 'launched' : 'already-launched',
    jobName: launched.jobName,
    groups,
  };
}
