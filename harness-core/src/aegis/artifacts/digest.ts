/**
 * `harnessx.digest/2`: traces compressed into where and why episodes failed. Per batch, clusters
 * of failures (class, tool or processor, count, actionability, evidence spans); each failed
 * trajectory is listed once, as a member of its cluster, with only what its cluster does not
 * already say. Per task, episodes and successes. Successful trajectories are listed one by one
 * only on request (`successfulTrajectories: 'list'`).
 *
 * Readers accept a stored `harnessx.digest/1` too: `digestArtifact` upgrades it to this shape
 * (digest-1.ts), so everything past the boundary sees /2 only.
 */
import { z } from 'zod';
import type { SafeParseResult } from '../../schema.ts';
import {
  contentIdSchema,
  cycleIdSchema,
  type FailureClass,
  failureClassSchema,
  taskIdListSchema,
} from './common.ts';
import { type ArtifactCodec, defineArtifact } from './define-artifact.ts';
import { DIGEST_1_VERSION, readDigest1 } from './digest-1.ts';

export {
  clusterMembers,
  commonValue,
  type FailedTrajectory,
  failedTrajectoriesOf,
  PLAIN_FAILURE_OUTCOME,
  PLAIN_SUCCESS_OUTCOME,
} from './digest-members.ts';

export const DIGEST_VERSION = 'harnessx.digest/2';

const excerptSchema = z.string().max(300);

export const evidenceSchema = z
  .object({
    traceId: z.string().min(1),
    spanId: z.string().optional(),
    turn: z.number().int().nonnegative(),
    /** A short excerpt (at most 300 characters) of the span content that shows the failure. */
    excerpt: excerptSchema,
  })
  .strict();

/** A member's further evidence span: its trace is the member's; the excerpt is absent when already shown. */
export const memberEvidenceSchema = z
  .object({
    spanId: z.string().optional(),
    turn: z.number().int().nonnegative(),
    excerpt: excerptSchema.optional(),
  })
  .strict();

/**
 * One failed trajectory, as a member of its cluster: the cluster's failure class (and its tool and
 * processor, when it names them) are the member's.
 */
export const clusterMemberSchema = z
  .object({
    traceId: z.string().min(1),
    taskId: z.string().min(1),
    reward: z.number().min(0).max(1),
    turns: z.number().int().nonnegative(),
    /** The turn where it went wrong, when the analyser could locate it. */
    turn: z.number().int().nonnegative().optional(),
    /** Absent for the plain failure outcome (`failure`). */
    outcome: z.string().min(1).optional(),
    /** Only in a cluster that names no tool (resp. processor) of its own. */
    tool: z.string().optional(),
    processor: z.string().optional(),
    /** Span of its (first) evidence. */
    spanId: z.string().optional(),
    /** Turn of that span, when it is not `turn`. */
    spanTurn: z.number().int().nonnegative().optional(),
    /** Excerpt of that span; absent when the same excerpt is shown earlier in the cluster. */
    excerpt: excerptSchema.optional(),
    /** Further evidence spans (the `evidencePerTrajectory` option above 1). */
    moreEvidence: z.array(memberEvidenceSchema).max(4).optional(),
  })
  .strict();

type MemberShape = z.output<typeof clusterMemberSchema>;

function checkMembers(
  cluster: { count: number; taskIds: string[]; tool?: string; processor?: string; members: MemberShape[] },
  context: z.RefinementCtx,
): void {
  if (cluster.count !== cluster.members.length)
    context.addIssue({
      code: 'custom',
      path: ['count'],
      message: `says ${cluster.count} failure(s) but the cluster lists ${cluster.members.length} member(s)`,
    });
  const memberTasks = [...new Set(cluster.members.map((member) => member.taskId))].sort();
  const taskIds = [...new Set(cluster.taskIds)].sort();
  if (memberTasks.join('\n') !== taskIds.join('\n'))
    context.addIssue({
      code: 'custom',
      path: ['taskIds'],
      message: `expected the members' task ids (${memberTasks.join(', ') || 'none'})`,
    });
  cluster.members.forEach((member, index) => {
    for (const key of ['tool', 'processor'] as const)
      if (cluster[key] !== undefined && member[key] !== undefined)
        context.addIssue({
          code: 'custom',
          path: ['members', index, key],
          message: `the cluster names its ${key} ("${cluster[key]}"); a member may name one only when the cluster does not`,
        });
  });
}

export const failureClusterSchema = z
  .object({
    id: z.string().min(1),
    failureClass: failureClassSchema,
    count: z.number().int().min(1),
    taskIds: taskIdListSchema,
    /** 0..1: how likely a harness edit can fix this cluster (frequency x fixability x locality). */
    actionability: z.number().min(0).max(1),
    /** Set when every member failed at this tool (resp. in this processor). */
    tool: z.string().optional(),
    processor: z.string().optional(),
    evidence: z.array(evidenceSchema).max(5),
    /** Set when the optional meta-model pass refined this cluster. */
    refinedSummary: z.string().max(2000).optional(),
    /** Every failed trajectory of the cluster, in trace order. */
    members: z.array(clusterMemberSchema).min(1),
  })
  .strict()
  .superRefine(checkMembers);

export const successfulTrajectorySchema = z
  .object({
    traceId: z.string().min(1),
    taskId: z.string().min(1),
    reward: z.number().min(0).max(1),
    turns: z.number().int().nonnegative(),
    /** Absent for the plain success outcome (`success`). */
    outcome: z.string().min(1).optional(),
  })
  .strict();

export const taskSummarySchema = z
  .object({
    taskId: z.string().min(1),
    episodes: z.number().int().min(1),
    successes: z.number().int().nonnegative(),
    successTurnsMax: z.number().int().nonnegative().optional(),
  })
  .strict();

export const digestSchema = z
  .object({
    schemaVersion: z.literal(DIGEST_VERSION),
    cycleId: cycleIdSchema,
    harnessContentId: contentIdSchema,
    episodes: z.number().int().nonnegative(),
    successRate: z.number().min(0).max(1),
    /** Tokens of the traces read and of this digest: the compression the stage achieved. */
    tokens: z.object({ in: z.number().int().nonnegative(), out: z.number().int().nonnegative() }).strict(),
    clusters: z.array(failureClusterSchema),
    /**
     * Per task: episodes, successes and the longest successful episode: what plan needs about
     * solved tasks when successful trajectories are not listed one by one (the default).
     */
    tasks: z.array(taskSummarySchema).optional(),
    /** Present only when successful trajectories were asked for (`successfulTrajectories: 'list'`). */
    successfulTrajectories: z.array(successfulTrajectorySchema).optional(),
    metaModel: z.object({ used: z.boolean(), model: z.string().optional() }).strict(),
  })
  .strict();

export type Digest = z.output<typeof digestSchema>;
export type FailureCluster = z.output<typeof failureClusterSchema>;
export type ClusterMember = z.output<typeof clusterMemberSchema>;
export type SuccessfulTrajectory = z.output<typeof successfulTrajectorySchema>;
export type Evidence = z.output<typeof evidenceSchema>;
export type MemberEvidence = z.output<typeof memberEvidenceSchema>;

/**
 * One trajectory's analysis, flat: what `harnessx.digest/1` listed per trajectory, and what /2
 * splits between a cluster (class, tool, processor) and its member (the rest).
 */
export interface TrajectoryDigest {
  traceId: string;
  taskId: string;
  outcome: string;
  success: boolean;
  reward: number;
  turns: number;
  failureClass: FailureClass;
  turn?: number;
  tool?: string;
  processor?: string;
  evidence: Evidence[];
}

const digest2 = defineArtifact(DIGEST_VERSION, digestSchema);

function isVersion1(value: unknown): boolean {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as { schemaVersion?: unknown }).schemaVersion === DIGEST_1_VERSION
  );
}

/**
 * The digest codec. It reads `harnessx.digest/2` and, for cycles resumed from an older store,
 * `harnessx.digest/1`, which it upgrades; either way the result is the /2 shape, and writers
 * write /2 only.
 */
export const digestArtifact: ArtifactCodec<typeof digestSchema> = {
  schemaVersion: DIGEST_VERSION,
  schema: digestSchema,
  safeParse(value: unknown, source: string = DIGEST_VERSION): SafeParseResult<Digest> {
    if (!isVersion1(value)) return digest2.safeParse(value, source);
    const upgraded = readDigest1(value, source);
    return upgraded.success ? digest2.safeParse(upgraded.data, `${source} (upgraded from /1)`) : upgraded;
  },
  parse(value: unknown, source?: string): Digest {
    const result = digestArtifact.safeParse(value, source);
    if (!result.success) throw result.error;
    return result.data;
  },
};
