/**
 * A foundry project (`harnessx.project/1`): binds a harness (by name, with its baseline file) to its
 * evaluation suite and splits, its models per role, and its evolution policies.
 */
import { z } from 'zod';
import { modelRoleSchema } from '../harness/spec.ts';

export const projectSchema = z
  .object({
    schemaVersion: z.literal('harnessx.project/1'),
    name: z.string().regex(/^[a-z0-9][a-z0-9-]{0,39}$/, 'expected a lower-case project name (a-z, 0-9, -)'),
    description: z.string().max(2000).optional(),
    harness: z
      .object({
        /** File of the starting harness, relative to the project file. */
        baseline: z.string().min(1),
      })
      .strict(),
    suite: z.string().min(1).default('household'),
    /** Role models that override the harness file's (`worker` for the agent, `meta` for evolve). */
    models: z
      .object({ worker: modelRoleSchema.optional(), meta: modelRoleSchema.optional() })
      .strict()
      .default({}),
    /**
     * Fine-tuning the worker between cycles on the serverless foundry (SageMaker, cross-harness
     * GRPO). Absent: the foundry evolves the harness only.
     */
    training: z
      .object({
        /** Start a job once the replay buffer holds this many groups of the current worker. */
        minGroups: z.number().int().min(1).max(100_000).default(8),
        /** Key prefix in the artifact bucket holding the base weights and tokenizer (the `model` channel). */
        baseModelPrefix: z
          .string()
          .regex(/^[A-Za-z0-9._\-/]+\/$/, 'expected a key prefix ending in "/"')
          .refine((prefix) => !prefix.split('/').includes('..'), 'expected no ".." segment'),
        instanceType: z.string().min(1).default('ml.g5.2xlarge'),
        volumeSizeGb: z.number().int().min(1).max(16384).default(100),
        maxRuntimeSeconds: z.number().int().min(60).default(7200),
        maxWaitSeconds: z.number().int().min(60).default(14400),
        /** `hf` trains the weights above (LoRA); `tiny` is the trainer's toy model, for smoke runs. */
        modelBackend: z.enum(['hf', 'tiny']).default('hf'),
        image: z
          .object({
            pytorchVersion: z.string(),
            transformersVersion: z.string(),
            pythonVersion: z.string(),
            cudaVersion: z.string(),
            os: z.string(),
          })
          .strict()
          .default({
            pytorchVersion: '2.5.1',
            transformersVersion: '4.49.0',
            pythonVersion: 'py311',
            cudaVersion: 'cu124',
            os: 'ubuntu22.04',
          }),
        /** Trainer knobs (spec §6), passed as the job's `config` hyperparameter. */
        trainerConfig: z.record(z.string(), z.unknown()).default({}),
      })
      .strict()
      .optional(),
    policies: z
      .object({
        /** Candidates per cycle. */
        candidates: z.number().int().min(1).max(16).default(4),
        /** Rollouts per task when evaluating. */
        rollouts: z.number().int().min(1).max(20).default(3),
        patience: z.number().int().min(1).max(100).default(3),
        maxCycles: z.number().int().min(1).max(1000).default(8),
        /** Stop once this many tokens (all stages, all models) have been spent. */
        tokenBudget: z.number().int().min(1).default(500_000_000),
        costBudgetUsd: z.number().positive().optional(),
        seed: z.number().int().min(0).default(0),
        concurrency: z.number().int().min(1).max(256).default(4),
        /**
         * On the serverless foundry, a cycle starts once this many uploaded traces wait for the
         * project (checked as each trace arrives; never two cycles at once).
         */
        triggerTraces: z.number().int().min(1).max(100_000).default(1),
        /** Tasks per evaluation shard on the serverless foundry (one Lambda invocation each). */
        shardTasks: z.number().int().min(1).max(1000).default(9),
      })
      .strict()
      .default({
        candidates: 4,
        rollouts: 3,
        patience: 3,
        maxCycles: 8,
        tokenBudget: 500_000_000,
        seed: 0,
        concurrency: 4,
        triggerTraces: 1,
        shardTasks: 9,
      }),
  })
  .strict();

export type ProjectConfig = z.output<typeof projectSchema>;
