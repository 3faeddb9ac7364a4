/**
 * `harnessx.gate/1`: the deterministic gate's decision on one candidate: every rule in order with
 * its inputs and outcome. Same inputs, same decision.
 */
import { z } from 'zod';
import { contentIdSchema, cycleIdSchema } from './common.ts';
import { defineArtifact } from './define-artifact.ts';

export const GATE_RULES = [
  'manifest-complete',
  'canonical-form',
  'build-and-smoke',
  'no-solved-task-regression',
  'no-heldout-regression',
  'not-below-best-accepted',
] as const;

export const gateRuleResultSchema = z
  .object({
    rule: z.enum(GATE_RULES),
    outcome: z.enum(['pass', 'fail', 'skipped']),
    inputs: z.record(z.string(), z.unknown()),
    detail: z.string().max(4000),
  })
  .strict();

export const gateDecisionSchema = z
  .object({
    schemaVersion: z.literal('harnessx.gate/1'),
    cycleId: cycleIdSchema,
    candidateId: z.string().min(1),
    candidateContentId: contentIdSchema,
    currentContentId: contentIdSchema,
    accepted: z.boolean(),
    rules: z.array(gateRuleResultSchema),
  })
  .strict();

export type GateDecision = z.output<typeof gateDecisionSchema>;
export type GateRuleResult = z.output<typeof gateRuleResultSchema>;
export type GateRule = (typeof GATE_RULES)[number];
export const gateDecisionArtifact = defineArtifact('harnessx.gate/1', gateDecisionSchema);
