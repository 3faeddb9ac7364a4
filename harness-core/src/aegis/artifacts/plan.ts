/**
 * `harnessx.plan/1`: ranked edit hypotheses. Each names its lever (one of the nine dimensions),
 * the failure cluster it targets, the operator that would make the edit, the tasks it predicts to
 * unlock, stabilise or put at risk, and whether it is structural or a prompt edit.
 */
import { z } from 'zod';
import { cycleIdSchema, leverSchema, taskIdListSchema } from './common.ts';
import { defineArtifact } from './define-artifact.ts';

export const operatorCallSchema = z
  .object({
    /** Catalogue operator id (e.g. `add-processor`) or `meta-code` for an LLM-written processor. */
    operator: z.string().min(1),
    params: z.record(z.string(), z.unknown()),
  })
  .strict();

export const predictionSchema = z
  .object({ unlock: taskIdListSchema, stabilise: taskIdListSchema, atRisk: taskIdListSchema })
  .strict();

export const hypothesisSchema = z
  .object({
    id: z.string().min(1),
    rank: z.number().int().min(1),
    lever: leverSchema,
    kind: z.enum(['structural', 'prompt']),
    targetCluster: z.string().min(1),
    edit: operatorCallSchema,
    rationale: z.string().max(2000),
    predicted: predictionSchema,
    score: z.number(),
  })
  .strict();

export const leverHistorySchema = z
  .object({
    lever: leverSchema,
    /** Cycles (of the last three) in which a candidate on this lever was shipped. */
    shippedInLast3: z.number().int().min(0).max(3),
    /** Predicted unlocks that came true, over all predictions made for this lever. */
    hitRate: z.number().min(0).max(1),
    predictions: z.number().int().nonnegative(),
  })
  .strict();

export const planSchema = z
  .object({
    schemaVersion: z.literal('harnessx.plan/1'),
    cycleId: cycleIdSchema,
    digestKey: z.string().min(1),
    hypotheses: z.array(hypothesisSchema),
    portfolio: z
      .object({
        structuralQuota: z.number().int().nonnegative(),
        blocked: z.array(z.object({ lever: leverSchema, reason: z.string() }).strict()),
        levers: z.array(leverHistorySchema),
      })
      .strict(),
  })
  .strict();

export type Plan = z.output<typeof planSchema>;
export type Hypothesis = z.output<typeof hypothesisSchema>;
export type OperatorCall = z.output<typeof operatorCallSchema>;
export type LeverHistory = z.output<typeof leverHistorySchema>;
export const planArtifact = defineArtifact('harnessx.plan/1', planSchema);
