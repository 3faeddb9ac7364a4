/**
 * Worker model versions of a project on the serverless foundry: each fine-tuned model is an
 * immutable record `models/<project>/<modelId>/model.json`, and the Registry's pointer
 * `worker-model:<project>` (moved by compare-and-swap) names the one new cycles run with.
 */
import { z } from 'zod';
import { SystemError } from '../../errors.ts';
import { canonicalJson } from '../../harness/canonical.ts';
import { type ModelConfig, modelConfigSchema } from '../../harness/spec.ts';
import type { ArtifactStore } from '../../ports/artifact-store.ts';
import type { Registry } from '../../ports/registry.ts';
import { readArtifact, zodCodec } from '../pipeline/artifact-io.ts';

export const modelVersionSchema = z
  .object({
    schema: z.literal('harnessx.model-version/1'),
    project: z.string().min(1),
    modelId: z.string().regex(/^[a-zA-Z0-9][a-zA-Z0-9._-]{0,127}$/),
    /** How providers build it: the served adapter's name as `model`, options as for the base. */
    worker: modelConfigSchema,
    /** Where the trained adapter lies (`s3://…/model.tar.gz`), when a job produced one. */
    adapterUri: z.string().min(1).optional(),
    trainedBy: z
      .object({
        backend: z.enum(['sagemaker', 'simulated', 'python']),
        jobName: z.string().optional(),
        cycleId: z.string(),
      })
      .strict(),
  })
  .strict();
export type ModelVersion = z.output<typeof modelVersionSchema>;

export const modelVersionKey = (project: string, modelId: string) =>
  `models/${project}/${modelId}/model.json`;
const pointerName = (project: string) => `worker-model:${project}`;

/** Stores the version (once) and makes it the project's current worker model. */
export async function registerModelVersion(
  foundry: { store: ArtifactStore; registry: Registry },
  version: ModelVersion,
): Promise<void> {
  const parsed = modelVersionSchema.parse(version);
  await foundry.store.putImmutable(modelVersionKey(parsed.project, parsed.modelId), canonicalJson(parsed));
  const name = pointerName(parsed.project);
  for (let attempt = 0; attempt < 5; attempt++) {
    const current = await foundry.registry.getCurrent(name);
    if (current?.contentId === parsed.modelId) return;
    if (await foundry.registry.compareAndSetCurrent(name, current?.contentId, parsed.modelId)) return;
  }
  throw new SystemError(`could not move ${name} to ${parsed.modelId}: the pointer kept moving`);
}

/** The worker new cycles run with: the registered current version, else the project's baseline worker. */
export async function currentWorkerModel(
  foundry: { store: ArtifactStore; registry: Registry },
  project: string,
): Promise<ModelConfig | undefined> {
  const pointer = await foundry.registry.getCurrent(pointerName(project));
  if (!pointer) return undefined;
  const key = modelVersionKey(project, pointer.contentId);
  const version = await readArtifact(foundry.store, key, zodCodec(modelVersionSchema, 'model version'));
  if (!version)
    throw new SystemError(`the current worker model ${pointer.contentId} has no record at ${key}`);
  return version.worker;
}
