import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createInProcessWorkQueue } from '../../adapters/embedded/in-process-work-queue.ts';
import { createEmbeddedFoundry } from '../../adapters/embedded/index.ts';
import { InputError } from '../../errors.ts';
import { loadHarnessFile } from '../../harness/load.ts';
import type { TrainingBackend, TrainingJobSpecInput } from '../../ports/training-backend.ts';
import { projectSchema } from '../project.ts';
import { loadProjectFile } from '../project-file.ts';
import { cycleLease } from './cycle-start.ts';
import type { DistributedFoundry } from './foundry.ts';
import { currentWorkerModel } from './model-versions.ts';
import { registerProject } from './project-registration.ts';
import { completeTraining } from './training-complete.ts';
import { launchTraining, trainingJobKey } from './training-launch.ts';

const PROJECT = join(import.meta.dirname, '../../../../examples/projects/household.yaml');
const message = {
  schemaVersion: 'harnessx.message/1' as const,
  type: 'train' as const,
  project: 'household',
  cycleId: 'household-c001',
  idempotencyKey: 'household-c001:train',
  refs: {},
};

/** Test double of the TrainingBackend port: records launches, never trains. */
function recordingBackend(): TrainingBackend & { launches: TrainingJobSpecInput[] } {
  const launches: TrainingJobSpecInput[] = [];
  return {
    launches,
    async launch(spec) {
      launches.push(spec);
      return { jobName: spec.jobName, outcome: launches.length === 1 ? 'created' : 'exists' };
    },
    async describe() {
      return { status: 'InProgress' };
    },
  };
}

describe('the training loop steps', () => {
  let dir: string;
  let foundry: DistributedFoundry;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hx-training-'));
    const embedded = createEmbeddedFoundry(dir);
    foundry = { store: embedded.store, registry: embedded.registry, queue: createInProcessWorkQueue() };
    const loaded = await loadProjectFile(PROJECT);
    const project = {
      ...loaded.config,
      training: projectSchema.shape.training.parse({ minGroups: 1, baseModelPrefix: 'base-models/tiny/' }),
    };
    await registerProject(foundry, { project, baselineSpec: await loadHarnessFile(loaded.baselinePath) });
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const settings = (backend: TrainingBackend) => ({
    backend,
    bucket: 'artifacts',
    region: 'us-east-1',
    training: {
      roleArn: 'arn:aws:iam::123456789012:role/training',
      codeUri: 's3://artifacts/code/trainer/sourcedir.tar.gz',
    },
  });

  it('launches nothing while the replay buffer holds fewer groups than the project asks for', async () => {
    const backend = recordingBackend();
    expect(await launchTraining(foundry, message, settings(backend))).toEqual({
      status: 'skipped',
      reason: '0 groups of the current worker, 1 needed',
    });
    expect(backend.launches).toEqual([]);
  });

  it('launches nothing where no training role or trainer code is deployed', async () => {
    const backend = recordingBackend();
    const { training: _none, ...withoutTraining } = settings(backend);
    expect(await launchTraining(foundry, message, withoutTraining)).toMatchObject({ status: 'skipped' });
    expect(backend.launches).toEqual([]);
  });

  it('refuses a state change about a job this foundry never launched, naming the job', async () => {
    const error = await completeTraining(foundry, { jobName: 'hx-elsewhere-1', status: 'Completed' }).catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(InputError);
    expect((error as Error).message).toContain('hx-elsewhere-1');
  });

  describe('for a launched job', () => {
    const jobName = 'hx-household-household-c001-a1';
    beforeEach(async () => {
      await foundry.store.put(
        trainingJobKey(jobName),
        JSON.stringify({
          schema: 'harnessx.training-job/1',
          project: 'household',
          cycleId: 'household-c001',
          jobName,
          policyId: 'sha256:x',
          worker: { provider: 'simulated', model: 'harnessx-sim-small', options: {} },
          spec: {},
        }),
      );
    });

    it('ignores states that are not final', async () => {
      expect(await completeTraining(foundry, { jobName, status: 'InProgress' })).toMatchObject({
        status: 'ignored',
      });
    });

    it('records a failed job with its reason once, registers nothing, and starts no cycle', async () => {
      const change = { jobName, status: 'Failed' as const, failureReason: 'CUDA out of memory' };
      expect(await completeTraining(foundry, change)).toEqual({
        status: 'failed',
        jobName,
        reason: 'Failed: CUDA out of memory',
      });
      expect(await completeTraining(foundry, change)).toEqual({ status: 'already-recorded', jobName });
      expect(await currentWorkerModel(foundry, 'household')).toBeUndefined();
      expect(await foundry.registry.getLease(cycleLease('household'))).toBeUndefined();
    });

    it('registers the trained adapter once and starts the next cycle pinned to it', async () => {
      const change = {
        jobName,
        status: 'Completed' as const,
        modelArtifactsUri: `s3://artifacts/models/${jobName}/output/model.tar.gz`,
      };
      const first = await completeTraining(foundry, change);
      expect(first).toMatchObject({ status: 'registered', modelId: jobName, startedCycle: 'household-c001' });
      expect(await completeTraining(foundry, change)).toEqual({ status: 'already-recorded', jobName });
      expect(await currentWorkerModel(foundry, 'household')).toEqual({
        provider: 'simulated',
        model: jobName,
        options: {},
      });
      const state = JSON.parse(
        Buffer.from((await foundry.store.get('cycles/household-c001/state.json')) ?? []).toString(),
      );
      expect(state.workerModel).toEqual({ provider: 'simulated', model: jobName, options: {} });
    });
  });
});
