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
