/** `harnessx.evaluation/1`: one harness version scored on one split of a suite with k rollouts. */
import { z } from 'zod';
import { contentIdSchema, cycleIdSchema, tokenCountSchema } from './common.ts';
import { defineArtifact } from './define-artifact.ts';

export const rolloutScoreSchema = z
  .object({
    seed: z.number().int().nonnegative(),
    outcome: z.string().min(1),
    success: z.boolean(),
    reward: z.number().min(0).max(1),
    steps: z.number().int().nonnegative(),
    traceId: z.string().regex(/^[0-9a-f]{32}$/, 'expected a 32-hex-digit trace id'),
  })
  .strict();

export const taskEvaluationSchema = z
  .object({
    taskId: z.string().min(1),
    difficulty: z.number().int().min(1),
    rollouts: z.array(rolloutScoreSchema).min(1),
    successRate: z.number().min(0).max(1),
    meanReward: z.number().min(0).max(1),
  })
  .strict();

export const evaluationSchema = z
  .object({
    schemaVersion: z.literal('harnessx.evaluation/1'),
    cycleId: cycleIdSchema,
    /** Which harness version: the current one or a candidate's. */
    harnessContentId: contentIdSchema,
    candidateId: z.string().min(1).optional(),
    suite: z.string().min(1),
    split: z.enum(['adaptation', 'heldout']),
    k: z.number().int().min(1),
    seed: z.number().int().nonnegative(),
    tasks: z.array(taskEvaluationSchema),
    successRate: z.number().min(0).max(1),
    meanReward: z.number().min(0).max(1),
    tokens: tokenCountSchema,
    /** Store keys of the OTLP/JSON trace files holding every rollout. */
    traceKeys: z.array(z.string().min(1)),
  })
  .strict();

export type Evaluation = z.output<typeof evaluationSchema>;
export type TaskEvaluation = z.output<typeof taskEvaluationSchema>;
export const evaluationArtifact = defineArtifact('harnessx.evaluation/1', evaluationSchema);
