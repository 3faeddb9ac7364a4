/**
 * `harnessx.digest/1`, frozen: read only, to upgrade a digest stored by an older version (a cycle
 * resumed from an older store). /1 listed every failed trajectory on its own, repeating its
 * cluster's class and tool; the upgrade moves each into its cluster as a member (see
 * digest-members.ts). An upgrade that would have to drop or invent something (a failed trajectory
 * that no cluster holds, a cluster whose count its trajectories do not make up) is an `InputError`
 * naming the /1 path, never a silent loss.
 */
import { z } from 'zod';
import { InputError, type InputIssue } from '../../errors.ts';
import { findForbiddenKeys, type SafeParseResult, safeParseWith } from '../../schema.ts';
import { contentIdSchema, cycleIdSchema, failureClassSchema, taskIdListSchema } from './common.ts';
import type { TrajectoryDigest } from './digest.ts';
import { clusterMembers, commonValue, PLAIN_SUCCESS_OUTCOME } from './digest-members.ts';

export const DIGEST_1_VERSION = 'harnessx.digest/1';

const evidence1Schema = z
  .object({
    traceId: z.string().min(1),
    spanId: z.string().optional(),
    turn: z.number().int().nonnegative(),
    excerpt: z.string().max(300),
  })
  .strict();

const trajectory1Schema = z
  .object({
    traceId: z.string().min(1),
    taskId: z.string().min(1),
    outcome: z.string().min(1),
    success: z.boolean(),
    reward: z.number().min(0).max(1),
    turns: z.number().int().nonnegative(),
    failureClass: failureClassSchema,
    turn: z.number().int().nonnegative().optional(),
    tool: z.string().optional(),
    processor: z.string().optional(),
    evidence: z.array(evidence1Schema).max(5),
  })
  .strict();

const cluster1Schema = z
  .object({
    id: z.string().min(1),
    failureClass: failureClassSchema,
    count: z.number().int().min(1),
    taskIds: taskIdListSchema,
    actionability: z.number().min(0).max(1),
    tool: z.string().optional(),
    evidence: z.array(evidence1Schema).max(5),
    refinedSummary: z.string().max(2000).optional(),
  })
  .strict();

export const digest1Schema = z
  .object({
    schemaVersion: z.literal(DIGEST_1_VERSION),
    cycleId: cycleIdSchema,
    harnessContentId: contentIdSchema,
    episodes: z.number().int().nonnegative(),
    successRate: z.number().min(0).max(1),
    tokens: z.object({ in: z.number().int().nonnegative(), out: z.number().int().nonnegative() }).strict(),
    trajectories: z.array(trajectory1Schema),
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
    clusters: z.array(cluster1Schema),
    metaModel: z.object({ used: z.boolean(), model: z.string().optional() }).strict(),
  })
  .strict();

export type Digest1 = z.output<typeof digest1Schema>;
type Cluster1 = z.output<typeof cluster1Schema>;

/** The cluster /1's clustering put a failed trajectory in: its class, at its tool, else the class-level one. */
function clusterIndexOf(clusters: readonly Cluster1[], entry: TrajectoryDigest): number {
  const atTool = clusters.findIndex(
    (cluster) => cluster.failureClass === entry.failureClass && cluster.tool === entry.tool,
  );
  if (atTool >= 0) return atTool;
  return clusters.findIndex((cluster) => cluster.failureClass === entry.failureClass && !cluster.tool);
}

function entryIssues(entry: TrajectoryDigest, index: number): InputIssue[] {
  const path = `trajectories[${index}]`;
  const issues: InputIssue[] = [];
  const finding =
    entry.failureClass !== 'none' ||
    entry.evidence.length > 0 ||
    entry.turn !== undefined ||
    entry.tool !== undefined ||
    entry.processor !== undefined;
  if (entry.success && finding)
    issues.push({ path, message: 'a successful trajectory with a failure class, turn, tool or evidence' });
  if (!entry.success && entry.failureClass === 'none')
    issues.push({ path: `${path}.failureClass`, message: 'a failed trajectory without a failure class' });
  entry.evidence.forEach((span, spanIndex) => {
    if (span.traceId !== entry.traceId)
      issues.push({
        path: `${path}.evidence[${spanIndex}].traceId`,
        message: `evidence from another trace than the trajectory's (${entry.traceId})`,
      });
  });
  return issues;
}

/** Groups the failed trajectories by cluster, reporting what cannot be placed or does not add up. */
function placeFailures(digest: Digest1, issues: InputIssue[]): TrajectoryDigest[][] {
  const byCluster: TrajectoryDigest[][] = digest.clusters.map(() => []);
  digest.trajectories.forEach((entry, index) => {
    issues.push(...entryIssues(entry, index));
    if (entry.success || entry.failureClass === 'none') return;
    const at = clusterIndexOf(digest.clusters, entry);
    if (at < 0)
      issues.push({
        path: `trajectories[${index}]`,
        message: `no cluster holds this ${entry.failureClass} failure${entry.tool ? ` at ${entry.tool}` : ''}`,
      });
    else byCluster[at]?.push(entry);
  });
  digest.clusters.forEach((cluster, index) => {
    const members = byCluster[index] ?? [];
    if (members.length !== cluster.count)
      issues.push({
        path: `clusters[${index}].count`,
        message: `says ${cluster.count} failure(s), but ${members.length} trajectory(ies) belong to the cluster`,
      });
  });
  return byCluster;
}

/** The /2 shape of a valid /1 digest (validated as /2 by the caller). */
export function upgradeDigest1(digest: Digest1, source: string): SafeParseResult<unknown> {
  const issues: InputIssue[] = [];
  const byCluster = placeFailures(digest, issues);
  if (issues.length > 0) return { success: false, error: new InputError(DIGEST_1_VERSION, source, issues) };
  const { trajectories, clusters, schemaVersion: _version, ...rest } = digest;
  const successes = trajectories.filter((entry) => entry.success);
  return {
    success: true,
    data: {
      ...rest,
      schemaVersion: 'harnessx.digest/2',
      clusters: clusters.map((cluster, index) => {
        const entries = byCluster[index] ?? [];
        const processor = commonValue(entries.map((entry) => entry.processor));
        const context = { ...cluster, ...(processor === undefined ? {} : { processor }) };
        return { ...context, members: clusterMembers(context, entries) };
      }),
      // /1 cannot tell "none listed" from "listed, and there were none": no successes, no list.
      ...(successes.length === 0
        ? {}
        : {
            successfulTrajectories: successes.map((entry) => ({
              traceId: entry.traceId,
              taskId: entry.taskId,
              reward: entry.reward,
              turns: entry.turns,
              ...(entry.outcome === PLAIN_SUCCESS_OUTCOME ? {} : { outcome: entry.outcome }),
            })),
          }),
    },
  };
}

/** Validates a /1 digest (prototype-pollution keys first, as every artifact) and upgrades it. */
export function readDigest1(value: unknown, source: string): SafeParseResult<unknown> {
  const forbidden = findForbiddenKeys(value);
  if (forbidden.length > 0)
    return { success: false, error: new InputError(DIGEST_1_VERSION, source, forbidden) };
  const parsed = safeParseWith(digest1Schema, value, DIGEST_1_VERSION, source);
  return parsed.success ? upgradeDigest1(parsed.data, source) : parsed;
}
