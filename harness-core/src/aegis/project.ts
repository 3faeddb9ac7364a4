/**
 * A foundry project (`harnessx.project/1`): binds a harness (by name, with its baseline file) to its
 * evaluation suite and splits, its models per role, and its evolution policies.
 */
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { InputError } from '../errors.ts';
import { modelRoleSchema } from '../harness/spec.ts';
import { findForbiddenKeys, parseWith } from '../schema.ts';

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

export interface LoadedProject {
  config: ProjectConfig;
  /** Absolute path of the baseline harness file. */
  baselinePath: string;
  source: string;
}

export async function loadProjectFile(path: string): Promise<LoadedProject> {
  let document: unknown;
  try {
    document = parseYaml(await readFile(path, 'utf8'), { maxAliasCount: 100 });
  } catch (error) {
    throw new InputError(
      'foundry project',
      path,
      [{ path: '', message: `cannot read or parse: ${(error as Error).message}` }],
      {
        cause: error,
      },
    );
  }
  const forbidden = findForbiddenKeys(document);
  if (forbidden.length > 0) throw new InputError('foundry project', path, forbidden);
  const config = parseWith(projectSchema, document, 'foundry project', path);
  return { config, baselinePath: resolve(dirname(path), config.harness.baseline), source: path };
}
