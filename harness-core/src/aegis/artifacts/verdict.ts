/**
 * `harnessx.verdict/1`: the critic's judgement of one candidate: each reward-hacking and bad-edit
 * check with its evidence, and the policy's decision (pass, revise once, reject).
 */
import { z } from 'zod';
import { cycleIdSchema } from './common.ts';
import { defineArtifact } from './define-artifact.ts';

export const CRITIC_CHECK_IDS = [
  'reward-success-decoupling',
  'answer-leakage',
  'constraint-relaxation',
  'verification-removed',
  'observability-removed',
  'gain-concentration',
] as const;

export const criticCheckSchema = z
  .object({
    id: z.enum(CRITIC_CHECK_IDS),
    passed: z.boolean(),
    severity: z.enum(['info', 'warn', 'block']),
    detail: z.string().max(2000),
  })
  .strict();

export const verdictSchema = z
  .object({
    schemaVersion: z.literal('harnessx.verdict/1'),
    cycleId: cycleIdSchema,
    candidateId: z.string().min(1),
    decision: z.enum(['pass', 'revise', 'reject']),
    checks: z.array(criticCheckSchema),
    reasons: z.array(z.string()),
    revisionRound: z.number().int().min(0).max(1),
  })
  .strict();

export type Verdict = z.output<typeof verdictSchema>;
export type CriticCheck = z.output<typeof criticCheckSchema>;
export type CriticCheckId = (typeof CRITIC_CHECK_IDS)[number];
export const verdictArtifact = defineArtifact('harnessx.verdict/1', verdictSchema);
