/**
 * `harnessx.cycle/1`: where a cycle stands, stored after every stage so a killed process resumes
 * from the last finished stage without repeating its work. Stage outputs are referenced by store
 * key, never inlined.
 */
import { z } from 'zod';
import { modelConfigSchema } from '../../harness/spec.ts';
import { contentIdSchema, cycleIdSchema } from './common.ts';
import { defineArtifact } from './define-artifact.ts';

export const CYCLE_STAGES = [
  'baseline',
  'digest',
  'plan',
  'evolve',
  'evaluate',
  'critic',
  'gate',
  'publish',
  'done',
] as const;

export const stageTokensSchema = z
  .object({
    input: z.number().int().nonnegative(),
    output: z.number().int().nonnegative(),
    costUsd: z.number().nonnegative(),
  })
  .strict();

export const cycleStateSchema = z
  .object({
    schemaVersion: z.literal('harnessx.cycle/1'),
    cycleId: cycleIdSchema,
    project: z.string().min(1),
    index: z.number().int().min(1),
    /** The next stage to run; `done` once the cycle has an outcome. */
    stage: z.enum(CYCLE_STAGES),
    currentContentId: contentIdSchema,
    artifacts: z
      .object({
        baselineAdaptation: z.string().optional(),
        /** The same version on the same tasks with other seeds: the noise floor for the gate. */
        baselineReplicate: z.string().optional(),
        baselineHeldout: z.string().optional(),
        digest: z.string().optional(),
        plan: z.string().optional(),
        candidates: z.array(z.string()).optional(),
        evaluations: z.record(z.string(), z.string()).optional(),
        verdicts: z.record(z.string(), z.string()).optional(),
        gate: z.array(z.string()).optional(),
        /** Held-out evaluations of the candidates the gate examined, by candidate id. */
        heldout: z.record(z.string(), z.string()).optional(),
        /** Trace files uploaded for the project that this cycle digests alongside its own runs. */
        uploadedTraces: z.array(z.string()).optional(),
      })
      .strict(),
    outcome: z
      .object({
        status: z.enum(['accepted', 'rejected', 'stopped']),
        acceptedCandidateId: z.string().optional(),
        newContentId: contentIdSchema.optional(),
        reasons: z.array(z.string()),
      })
      .strict()
      .optional(),
    tokensByStage: z.record(z.string(), stageTokensSchema),
    /** The worker model the cycle runs with when it is a trained version, pinned at the cycle's start. */
    workerModel: modelConfigSchema.optional(),
    /** Set when the cycle runs on the serverless foundry: who holds the project's cycle lease. */
    leaseOwner: z.string().min(1).max(200).optional(),
  })
  .strict();

export type CycleState = z.output<typeof cycleStateSchema>;
export type CycleStage = (typeof CYCLE_STAGES)[number];
export const cycleStateArtifact = defineArtifact('harnessx.cycle/1', cycleStateSchema);
