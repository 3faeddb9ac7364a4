/**
 * `harnessx.candidate/1`: a full `HarnessSpec` proposed by evolve, with a complete change
 * manifest: what changed, which hypothesis and evidence it answers, its predicted impact and who
 * made it (a catalogue operator or the meta-model).
 */
import { z } from 'zod';
import { harnessSpecSchema } from '../../harness/spec.ts';
import { contentIdSchema, cycleIdSchema, leverSchema } from './common.ts';
import { defineArtifact } from './define-artifact.ts';
import { operatorCallSchema, predictionSchema } from './plan.ts';

export const CHANGE_KINDS = [
  'add-processor',
  'remove-processor',
  'reorder-processor',
  'configure-processor',
  'add-code-processor',
  'set-tools',
  'set-system-prompt',
  'set-budget',
  'set-memory',
] as const;

export const changeSchema = z
  .object({
    kind: z.enum(CHANGE_KINDS),
    /** What changed: a processor id, a budget name, `systemPrompt`, ... */
    target: z.string().min(1),
    before: z.unknown().optional(),
    after: z.unknown().optional(),
  })
  .strict();

export const manifestSchema = z
  .object({
    hypothesisId: z.string().min(1),
    lever: leverSchema,
    kind: z.enum(['structural', 'prompt']),
    changes: z.array(changeSchema).min(1),
    /** The failure cluster and evidence the edit answers. */
    capabilityEvidence: z
      .object({
        cluster: z.string().min(1),
        failureClass: z.string().min(1),
        examples: z.array(z.string()).max(5),
      })
      .strict(),
    predictedImpact: predictionSchema,
    attribution: z
      .object({
        source: z.enum(['catalogue', 'meta-model']),
        edit: operatorCallSchema,
        model: z.string().optional(),
      })
      .strict(),
  })
  .strict();

export const candidateSchema = z
  .object({
    schemaVersion: z.literal('harnessx.candidate/1'),
    cycleId: cycleIdSchema,
    candidateId: z.string().regex(/^[a-z0-9][a-z0-9-]{0,79}$/, 'expected a candidate id like "c003-k2"'),
    parentContentId: contentIdSchema,
    contentId: contentIdSchema,
    spec: harnessSpecSchema,
    manifest: manifestSchema,
    /** 0 for the first proposal, 1 after the critic's single revision round. */
    revision: z.number().int().min(0).max(1),
  })
  .strict();

export type Candidate = z.output<typeof candidateSchema>;
export type ChangeManifest = z.output<typeof manifestSchema>;
export type Change = z.output<typeof changeSchema>;
export const candidateArtifact = defineArtifact('harnessx.candidate/1', candidateSchema);
