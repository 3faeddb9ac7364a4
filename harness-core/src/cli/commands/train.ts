/**
 * `harnessx train --project FILE [--backend tiny|hf] [--model-dir DIR]`: the embedded training
 * backend's `python` mode. Composes the project's replay buffer (the GRPO groups its evolve runs
 * wrote) into one training set, runs `training/train.py` on this machine's CPU, and registers the
 * adapter as a new worker model version of the project.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { createEmbeddedFoundry } from '../../adapters/embedded/index.ts';
import { projectBaseline } from '../../aegis/compose-cycle-deps.ts';
import { currentWorkerModel, registerModelVersion } from '../../aegis/distributed/model-versions.ts';
import { loadProjectFile } from '../../aegis/project-file.ts';
import { createWorkerModels } from '../../aegis/worker-models.ts';
import { basePolicy, policyId, ReplayBuffer, serializeManifest } from '../../coevolution/index.ts';
import { runLocalTrainer } from '../../coevolution/local-trainer.ts';
import { InputError } from '../../errors.ts';
import { loadHarnessFile } from '../../harness/load.ts';
import { parseCommandLine } from '../args.ts';
import type { CliIo } from '../io.ts';
import { runStamp } from '../run-artifacts.ts';

const TRAINING_DIR = fileURLToPath(new URL('../../../../training', import.meta.url));

const trainFlagsSchema = z
  .object({
    project: z.string({ error: 'expected --project FILE (a harnessx.project/1 YAML file)' }).min(1),
    out: z.string().default('.harnessx'),
    backend: z.enum(['hf', 'tiny']).default('hf'),
    'model-dir': z.string().min(1).optional(),
    python: z.string().min(1).default('/usr/bin/python3'),
  })
  .strict();

export async function trainCommand(argv: string[], io: CliIo): Promise<number> {
  const { values: flags } = parseCommandLine(
    'train',
    argv,
    {
      project: { type: 'string' },
      out: { type: 'string' },
      backend: { type: 'string' },
      'model-dir': { type: 'string' },
      python: { type: 'string' },
    },
    trainFlagsSchema,
  );
  if (flags.backend === 'hf' && !flags['model-dir']) {
    throw new InputError('command-line arguments', 'harnessx train', [
      {
        path: '--model-dir',
        message: 'the hf backend fine-tunes real weights: give the folder holding them',
      },
    ]);
  }
  const project = await loadProjectFile(flags.project);
  const baseline = projectBaseline(project.config, await loadHarnessFile(project.baselinePath));
  const foundry = createEmbeddedFoundry(join(flags.out, 'foundry', project.config.name));
  const worker = (await currentWorkerModel(foundry, project.config.name)) ?? baseline.models.worker;
  const model = createWorkerModels(worker, io.env, flags.project).model;
  const policy = policyId(basePolicy(model.provider, model.modelId));
  const buffer = await ReplayBuffer.open(foundry.store);
  if (buffer.groupsAvailable(policy) === 0) {
    throw new InputError('replay buffer', join(flags.out, 'foundry', project.config.name), [
      {
        path: 'groups',
        message: `no GRPO groups of ${model.provider}:${model.modelId} yet: run harnessx evolve first`,
      },
    ]);
  }
  const set = await buffer.composeTrainingSet(policy);
  const runId = `local-${runStamp().toLowerCase()}`;
  const runDir = resolve(flags.out, 'training', runId);
  const trainDir = join(runDir, 'train');
  await mkdir(trainDir, { recursive: true });
  await writeFile(join(trainDir, 'groups.jsonl'), set.jsonl);
  await writeFile(join(trainDir, 'manifest.json'), serializeManifest(set.manifest));
  io.stderr.write(`training ${runId} on ${set.records.length} groups (${flags.backend} backend, CPU)\n`);
  const report = await runLocalTrainer({
    python: flags.python,
    trainingDir: TRAINING_DIR,
    trainDir,
    ...(flags['model-dir'] ? { modelDir: resolve(flags['model-dir']) } : {}),
    outputDir: join(runDir, 'model'),
    checkpointDir: join(runDir, 'checkpoints'),
    modelBackend: flags.backend,
    onLine: (line) => io.stderr.write(`  ${line}\n`),
  });
  await registerModelVersion(foundry, {
    schema: 'harnessx.model-version/1',
    project: project.config.name,
    modelId: runId,
    worker: { ...worker, model: runId },
    adapterUri: `file://${join(runDir, 'model')}`,
    trainedBy: { backend: 'python', cycleId: set.manifest.round ?? 'replay-buffer' },
  });
  io.stdout.write(
    `trained ${runId}: ${report.training.steps_done} steps, adapter ${report.adapter_files.join(', ')} in ${join(runDir, 'model')}\n` +
      `registered as the worker model version ${runId} of project ${project.config.name}` +
      (model.provider === 'simulated'
        ? ' (the simulated worker cannot load it: serve the adapter for a real model)\n'
        : '\n'),
  );
  return 0;
}
