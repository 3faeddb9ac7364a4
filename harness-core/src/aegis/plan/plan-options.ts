/** Options of the plan stage, validated before anything is planned. */
import { z } from 'zod';
import { parseWith } from '../../schema.ts';

export const planOptionsSchema = z
  .object({
    /** Hypotheses kept in the plan, best first. */
    maxHypotheses: z.number().int().min(1).max(64).default(8),
    /** Top slots reserved for structural hypotheses when there are enough of them. */
    structuralQuota: z.number().int().min(0).max(64).default(3),
  })
  .strict();

export type PlanOptions = z.input<typeof planOptionsSchema>;
export type ResolvedPlanOptions = z.output<typeof planOptionsSchema>;

export function parsePlanOptions(options: unknown, source = 'plan options'): ResolvedPlanOptions {
  return parseWith(planOptionsSchema, options ?? {}, 'plan options', source);
}
