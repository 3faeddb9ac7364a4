/**
 * The two directions between flat per-trajectory analyses and a `harnessx.digest/2` cluster:
 * `clusterMembers` writes each failed trajectory as a member that says only what its cluster does
 * not (the writer and the /1 upgrade share it); `failedTrajectoriesOf` reads the members back as
 * flat records, each with its cluster's class, tool and processor, for code that reasons per
 * trajectory (plan).
 */
import type {
  ClusterMember,
  Digest,
  Evidence,
  FailureCluster,
  MemberEvidence,
  TrajectoryDigest,
} from './digest.ts';

/** The outcome a failed member has unless it says otherwise. */
export const PLAIN_FAILURE_OUTCOME = 'failure';
/** The outcome a successful trajectory has unless it says otherwise. */
export const PLAIN_SUCCESS_OUTCOME = 'success';

/** The value every entry has, when they all have the same one (and at least one entry has it). */
export function commonValue(values: readonly (string | undefined)[]): string | undefined {
  const [first] = values;
  return first !== undefined && values.every((value) => value === first) ? first : undefined;
}

interface ClusterContext {
  tool?: string;
  processor?: string;
  /** The cluster's own evidence: its excerpts count as shown. */
  evidence: readonly Evidence[];
}

function moreEvidence(rest: readonly Evidence[], shown: Set<string>): MemberEvidence[] {
  return rest.map((span) => {
    const excerpt = shown.has(span.excerpt) ? undefined : span.excerpt;
    shown.add(span.excerpt);
    return {
      ...(span.spanId === undefined ? {} : { spanId: span.spanId }),
      turn: span.turn,
      ...(excerpt === undefined ? {} : { excerpt }),
    };
  });
}

/**
 * Members of one cluster, in the order given (trace order). A member names its tool or processor
 * only when the cluster names none, its outcome only when it is not the plain `failure`, and an
 * excerpt only when no earlier one in the cluster (its evidence, then its members) is the same.
 */
export function clusterMembers(
  cluster: ClusterContext,
  entries: readonly TrajectoryDigest[],
): ClusterMember[] {
  const shown = new Set(cluster.evidence.map((span) => span.excerpt));
  return entries.map((entry) => {
    const [first, ...rest] = entry.evidence;
    const excerpt = first === undefined || shown.has(first.excerpt) ? undefined : first.excerpt;
    if (first !== undefined) shown.add(first.excerpt);
    return {
      traceId: entry.traceId,
      taskId: entry.taskId,
      reward: entry.reward,
      turns: entry.turns,
      ...(entry.turn === undefined ? {} : { turn: entry.turn }),
      ...(entry.outcome === PLAIN_FAILURE_OUTCOME ? {} : { outcome: entry.outcome }),
      ...(cluster.tool === undefined && entry.tool !== undefined ? { tool: entry.tool } : {}),
      ...(cluster.processor === undefined && entry.processor !== undefined
        ? { processor: entry.processor }
        : {}),
      ...(first?.spanId === undefined ? {} : { spanId: first.spanId }),
      ...(first === undefined || first.turn === entry.turn ? {} : { spanTurn: first.turn }),
      ...(excerpt === undefined ? {} : { excerpt }),
      ...(rest.length === 0 ? {} : { moreEvidence: moreEvidence(rest, shown) }),
    };
  });
}

/** A failed trajectory read back from its cluster: the member with its cluster's findings. */
export type FailedTrajectory = Omit<TrajectoryDigest, 'success' | 'evidence'> & { clusterId: string };

function failedTrajectory(cluster: FailureCluster, member: ClusterMember): FailedTrajectory {
  const tool = member.tool ?? cluster.tool;
  const processor = member.processor ?? cluster.processor;
  return {
    clusterId: cluster.id,
    traceId: member.traceId,
    taskId: member.taskId,
    outcome: member.outcome ?? PLAIN_FAILURE_OUTCOME,
    reward: member.reward,
    turns: member.turns,
    failureClass: cluster.failureClass,
    ...(member.turn === undefined ? {} : { turn: member.turn }),
    ...(tool === undefined ? {} : { tool }),
    ...(processor === undefined ? {} : { processor }),
  };
}

/** Every failed trajectory of the digest, cluster by cluster. */
export function failedTrajectoriesOf(digest: Pick<Digest, 'clusters'>): FailedTrajectory[] {
  return digest.clusters.flatMap((cluster) =>
    cluster.members.map((member) => failedTrajectory(cluster, member)),
  );
}
