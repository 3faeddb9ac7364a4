/**
 * `harnessx.digest/1`: traces compressed into where and why episodes failed — per trajectory the
 * outcome, failure class, turn, tool or processor and evidence spans; per batch, clusters of
 * failures with counts and an actionability score.
 */
import { z } from 'zod';
import { contentIdSchema, cycleIdSchema, failureClassSchema, taskIdListSchema } from './common.ts';
import { defineArtifact } from './define-artifact.ts';

export const evidenceSchema = z
  .object({
    traceId: z.string().min(1),
    spanId: z.string().optional(),
    turn: z.number().int().nonnegative(),
    /** A short excerpt (at most 300 characters) of the span content that shows the failure. */
    excerpt: z.string().max(300),
  })
  .strict();

export const trajectoryDigestSchema = z
  .object({
    traceId: z.string().min(1),
    taskId: z.string().min(1),
    outcome: z.string().min(1),
    success: z.boolean(),
    reward: z.number().min(0).max(1),
    turns: z.number().int().nonnegative(),
    failureClass: failureClassSchema,
    /** The turn where it went wrong, when the analyser could locate it. */
    turn: z.number().int().nonnegative().optional(),
    tool: z.string().optional(),
    processor: z.string().optional(),
    evidence: z.array(evidenceSchema).max(5),
  })
  .strict();

export const failureClusterSchema = z
  .object({
    id: z.string().min(1),
    failureClass: failureClassSchema,
    count: z.number().int().min(1),
    taskIds: taskIdListSchema,
    /** 0..1: how likely a harness edit can fix this cluster (frequency x fixability x locality). */
    actionability: z.number().min(0).max(1),
    tool: z.string().optional(),
    evidence: z.array(evidenceSchema).max(5),
    /** Set when the optional meta-model pass refined this cluster. */
    refinedSummary: z.string().max(2000).optional(),
  })
  .strict();

export const digestSchema = z
  .object({
    schemaVersion: z.literal('harnessx.digest/1'),
    cycleId: cycleIdSchema,
    harnessContentId: contentIdSchema,
    episodes: z.number().int().nonnegative(),
    successRate: z.number().min(0).max(1),
    /** Tokens of the traces read and of this digest: the compression the stage achieved. */
    tokens: z.object({ in: z.number().int().nonnegative(), out: z.number().int().nonnegative() }).strict(),
    trajectories: z.array(trajectoryDigestSchema),
    /**
     * Per task: episodes, successes and the longest successful episode. It keeps what plan needs
     * about solved tasks when successful trajectories are not listed one by one (the compact default).
     */
    tasks: z
      .array(
        z
          .object({
            taskId: z.string().min(1),
            episodes: z.number().int().min(1),
            successes: z.number().int().nonnegative(),
            successTurnsMax: z.number().int().nonnegative().optional(),
          })
          .strict(),
      )
      .optional(),
    clusters: z.array(failureClusterSchema),
    metaModel: z.object({ used: z.boolean(), model: z.string().optional() }).strict(),
  })
  .strict();

export type Digest = z.output<typeof digestSchema>;
export type TrajectoryDigest = z.output<typeof trajectoryDigestSchema>;
export type FailureCluster = z.output<typeof failureClusterSchema>;
export type Evidence = z.output<typeof evidenceSchema>;
export const digestArtifact = defineArtifact('harnessx.digest/1', digestSchema);
