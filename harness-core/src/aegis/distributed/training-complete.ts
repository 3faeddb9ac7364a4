/**
 * train-complete: a training job's final state (from EventBridge, which may deliver it twice).
 * Completed: the trained adapter becomes the project's current worker model (registered once) and
 * the next cycle starts with it. Failed or stopped: the reason is recorded and the loop goes on
 * with the previous model.
 */

import { InputError } from '../../errors.ts';
import { canonicalJson } from '../../harness/canonical.ts';
import type { TrainingJobState } from '../../ports/training-backend.ts';
import { readArtifact } from '../pipeline/artifact-io.ts';
import { maybeStartCycle } from './cycle-start.ts';
import type { DistributedFoundry } from './foundry.ts';
import { registerModelVersion } from './model-versions.ts';
import { loadRegisteredProject } from './project-registration.ts';
import { trainingJobCodec, trainingJobKey } from './training-launch.ts';

/** The fields of a "SageMaker Training Job State Change" event the loop acts on. */
export interface TrainingStateChange {
  jobName: string;
  status: TrainingJobState;
  failureReason?: string;
  modelArtifactsUri?: string;
}

export type TrainingCompleteOutcome =
  | { status: 'registered'; jobName: string; modelId: string; startedCycle?: string }
  | { status: 'already-recorded'; jobName: string }
  | { status: 'failed'; jobName: string; reason: string }
  | { status: 'ignored'; jobName: string; reason: string };

const outcomeKey = (jobName: string) => `models/${jobName}/outcome.json`;

export async function completeTraining(
  foundry: DistributedFoundry,
  change: TrainingStateChange,
): Promise<TrainingCompleteOutcome> {
  const { jobName } = change;
  if (change.status === 'InProgress' || change.status === 'Stopping') {
    return { status: 'ignored', jobName, reason: `not final: ${change.status}` };
  }
  const job = await readArtifact(foundry.store, trainingJobKey(jobName), trainingJobCodec);
  if (!job) {
    throw new InputError('training job state change', `job ${jobName}`, [
      {
        path: 'detail.TrainingJobName',
        message: `no job record at ${trainingJobKey(jobName)}: not launched by this foundry`,
      },
    ]);
  }
  // Once per job, however often the event comes.
  if (!(await foundry.registry.recordOnce(`training-final:${jobName}`, change.status))) {
    return { status: 'already-recorded', jobName };
  }
  if (change.status !== 'Completed' || !change.modelArtifactsUri) {
    const reason =
      change.status === 'Completed'
        ? 'completed without model artifacts'
        : `${change.status}: ${change.failureReason ?? 'no reason given'}`;
    await foundry.store.put(outcomeKey(jobName), canonicalJson({ jobName, status: change.status, reason }));
    return { status: 'failed', jobName, reason };
  }
  // The trained adapter is served under the job's name (e.g. vLLM --lora-modules <job>=<adapter>).
  const modelId = jobName;
  await registerModelVersion(foundry, {
    schema: 'harnessx.model-version/1',
    project: job.project,
    modelId,
    worker: { ...job.worker, model: modelId },
    adapterUri: change.modelArtifactsUri,
    trainedBy: { backend: 'sagemaker', jobName, cycleId: job.cycleId },
  });
  await foundry.store.put(
    outcomeKey(jobName),
    canonicalJson({ jobName, status: change.status, modelId, adapterUri: change.modelArtifactsUri }),
  );
  const project = await loadRegisteredProject(foundry.store, job.project);
  const startedCycle = project
    ? await maybeStartCycle(foundry, project.config, project.baselineSpec, { force: true })
    : undefined;
  return { status: 'registered', jobName, modelId, ...(startedCycle ? { startedCycle } : {}) };
}
