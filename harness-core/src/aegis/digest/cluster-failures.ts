/**
 * Batch clusters: failed trajectories grouped by failure class and, when it splits well, by tool.
 * A class is split by tool when at least two tools each account for `MIN_TOOL_CLUSTER_SIZE` of its
 * failures; its failures at other tools (or at none) stay in a class-level cluster. Clusters are
 * ordered by actionability, then size, then id. Each cluster lists its failed trajectories as
 * members, in trace order (`clusterMembers`: a member says only what its cluster does not).
 */
import type { FailureClass } from '../artifacts/common.ts';
import {
  clusterMembers,
  commonValue,
  type Evidence,
  type FailureCluster,
  type TrajectoryDigest,
} from '../artifacts/digest.ts';
import { actionability } from './actionability.ts';

export const MIN_TOOL_CLUSTER_SIZE = 2;
/** Evidence spans per cluster: one from each of its first members, distinct tasks first. */
export const CLUSTER_EVIDENCE = 3;

/** A failed trajectory's analysis: its flat digest entry and every evidence span of its finding. */
export interface AnalysedFailure {
  digest: TrajectoryDigest;
  evidence: readonly Evidence[];
}

type FailedClass = Exclude<FailureClass, 'none'>;

function clusterEvidence(members: readonly AnalysedFailure[]): Evidence[] {
  const chosen: AnalysedFailure[] = [];
  const tasks = new Set<string>();
  for (const member of members) {
    if (chosen.length === CLUSTER_EVIDENCE) break;
    if (member.evidence.length === 0 || tasks.has(member.digest.taskId)) continue;
    chosen.push(member);
    tasks.add(member.digest.taskId);
  }
  for (const member of members) {
    if (chosen.length === CLUSTER_EVIDENCE) break;
    if (member.evidence.length > 0 && !chosen.includes(member)) chosen.push(member);
  }
  // Trace order of the members, not the order they were picked in.
  chosen.sort((a, b) => members.indexOf(a) - members.indexOf(b));
  return chosen.map((member) => member.evidence[0] as Evidence);
}

function makeCluster(
  failureClass: FailedClass,
  tool: string | undefined,
  members: readonly AnalysedFailure[],
  failedEpisodes: number,
): FailureCluster {
  const taskIds = [...new Set(members.map((member) => member.digest.taskId))].sort();
  const entries = members.map((member) => member.digest);
  const processor = commonValue(entries.map((entry) => entry.processor));
  const context = {
    ...(tool === undefined ? {} : { tool }),
    ...(processor === undefined ? {} : { processor }),
    evidence: clusterEvidence(members),
  };
  return {
    id: tool === undefined ? failureClass : `${failureClass}:${tool}`,
    failureClass,
    count: members.length,
    taskIds,
    actionability: actionability(
      failureClass,
      members.map((member) => member.digest),
      failedEpisodes,
    ),
    ...context,
    members: clusterMembers(context, entries),
  };
}

function clustersOfClass(
  failureClass: FailedClass,
  members: readonly AnalysedFailure[],
  failedEpisodes: number,
): FailureCluster[] {
  const byTool = new Map<string, AnalysedFailure[]>();
  for (const member of members) {
    const tool = member.digest.tool;
    if (tool === undefined) continue;
    const group = byTool.get(tool);
    if (group) group.push(member);
    else byTool.set(tool, [member]);
  }
  const large = [...byTool].filter(([, group]) => group.length >= MIN_TOOL_CLUSTER_SIZE);
  if (large.length < 2) {
    const tools = new Set(members.map((member) => member.digest.tool));
    const shared = tools.size === 1 ? [...tools][0] : undefined;
    return [makeCluster(failureClass, shared, members, failedEpisodes)];
  }
  const split = new Set(large.map(([tool]) => tool));
  const rest = members.filter((member) => !split.has(member.digest.tool ?? ''));
  const clusters = large.map(([tool, group]) => makeCluster(failureClass, tool, group, failedEpisodes));
  if (rest.length > 0) clusters.push(makeCluster(failureClass, undefined, rest, failedEpisodes));
  return clusters;
}

export function clusterFailures(members: readonly AnalysedFailure[]): FailureCluster[] {
  const byClass = new Map<FailedClass, AnalysedFailure[]>();
  for (const member of members) {
    const failureClass = member.digest.failureClass;
    if (failureClass === 'none') continue;
    const group = byClass.get(failureClass);
    if (group) group.push(member);
    else byClass.set(failureClass, [member]);
  }
  const failedEpisodes = [...byClass.values()].reduce((sum, group) => sum + group.length, 0);
  const clusters = [...byClass].flatMap(([failureClass, group]) =>
    clustersOfClass(failureClass, group, failedEpisodes),
  );
  return clusters.sort(
    (a, b) =>
      b.actionability - a.actionability || b.count - a.count || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
  );
}
