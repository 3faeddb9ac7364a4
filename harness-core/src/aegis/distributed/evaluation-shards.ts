/**
 * Evaluations fanned out in shards: each evaluation a stage needs (the current version's, the
 * candidates') is split into groups of tasks, one queue message each; the last shard of a group to
 * finish merges the shards into the very evaluation artifact the in-process pipeline would have
 * written (same key, same scores) and sends the group's follow-up message. Fan-in counts distinct
 * shards in the Registry, so a redelivered shard is never counted twice.
 */
import { z } from 'zod';
import type { Split } from '../../environments/environment.ts';
import { SystemError } from '../../errors.ts';
import { storeKeys } from '../../ports/artifact-store.ts';
import type { StageMessage } from '../../ports/work-queue.ts';
import { candidateArtifact } from '../artifacts/candidate.ts';
import type { CycleState } from '../artifacts/cycle-state.ts';
import { type Evaluation, evaluationArtifact } from '../artifacts/evaluation.ts';
import { evaluateHarness } from '../evaluate/evaluate-harness.ts';
import { readArtifact, requireArtifact, writeArtifact, zodCodec } from '../pipeline/artifact-io.ts';
import { type EvaluationRequest, evaluationKey } from '../pipeline/cached-evaluation.ts';
import { loadVersionSpec } from '../pipeline/cycle-context.ts';
import type { CycleDeps } from '../pipeline/cycle-deps.ts';

/**
 * `baseline` and `candidates` are planned ahead by the stages before them; any other group holds one
 * evaluation a stage found missing when it ran (`<stage>-<candidate or current>-<split>`, e.g. the
 * gate's held-out evaluation of a candidate, which only the gate knows it needs).
 */
export type ShardGroup = 'baseline' | 'candidates' | `${string}-${string}`;
const shardGroupSchema = z
  .string()
  .regex(/^(baseline|candidates|[a-z]+-[a-z0-9-]+)$/, 'expected baseline, candidates or <stage>-<id>-<split>')
  .transform((group) => group as ShardGroup);

/** One evaluation the group needs: whose spec, which split and seed. */
export interface ShardedEvaluation {
  specKey: string;
  specKind: 'version' | 'candidate';
  contentId: string;
  candidateId?: string;
  split: Split;
  seed: number;
}

const shardSchema = z
  .object({
    schemaVersion: z.literal('harnessx.shard/1'),
    cycleId: z.string().min(1),
    group: shardGroupSchema,
    shardId: z.string().min(1),
    specKey: z.string().min(1),
    specKind: z.enum(['version', 'candidate']),
    contentId: z.string().min(1),
    candidateId: z.string().optional(),
    split: z.enum(['adaptation', 'heldout']),
    seed: z.number().int(),
    taskIds: z.array(z.string().min(1)).min(1),
    evaluationKey: z.string().min(1),
  })
  .strict();
export type Shard = z.output<typeof shardSchema>;
const shardCodec = zodCodec(shardSchema, 'evaluation shard');

const groupIndexSchema = z
  .object({
    schemaVersion: z.literal('harnessx.shard-group/1'),
    cycleId: z.string().min(1),
    group: shardGroupSchema,
    shards: z.array(z.string().min(1)),
  })
  .strict();
const groupIndexCodec = zodCodec(groupIndexSchema, 'evaluation shard group');

const groupPrefix = (cycleId: string, group: ShardGroup) => `cycles/${cycleId}/shards/${group}`;
const indexKey = (cycleId: string, group: ShardGroup) => `${groupPrefix(cycleId, group)}/index.json`;
const resultKey = (shard: Shard) =>
  `${groupPrefix(shard.cycleId, shard.group)}/${shard.shardId}.evaluation.json`;

/** The evaluations a baseline stage needs (the same three `runBaselineStage` asks for). */
export function baselineEvaluations(deps: CycleDeps, state: CycleState): ShardedEvaluation[] {
  const seed = deps.project.policies.seed;
  const base = {
    specKey: storeKeys.harnessVersion(deps.harnessName, state.currentContentId),
    specKind: 'version' as const,
    contentId: state.currentContentId,
  };
  return [
    { ...base, split: 'adaptation', seed },
    { ...base, split: 'adaptation', seed: seed + 1 },
    { ...base, split: 'heldout', seed },
  ];
}

/** The evaluations the evaluate stage needs: every candidate on the adaptation split. */
export async function candidateEvaluations(deps: CycleDeps, state: CycleState): Promise<ShardedEvaluation[]> {
  const out: ShardedEvaluation[] = [];
  for (const key of state.artifacts.candidates ?? []) {
    const candidate = await requireArtifact(deps.store, key, candidateArtifact);
    out.push({
      specKey: key,
      specKind: 'candidate',
      contentId: candidate.contentId,
      candidateId: candidate.candidateId,
      split: 'adaptation',
      seed: deps.project.policies.seed,
    });
  }
  return out;
}

/** The group and evaluation for one a stage found missing (`EvaluationPending`). */
export async function pendingEvaluation(
  deps: CycleDeps,
  state: CycleState,
  request: EvaluationRequest,
): Promise<{ group: ShardGroup; evaluation: ShardedEvaluation }> {
  const group: ShardGroup = `${request.stage}-${request.candidateId ?? 'current'}-${request.split}`;
  const { split, seed } = request;
  if (!request.candidateId) {
    const specKey = storeKeys.harnessVersion(deps.harnessName, request.contentId);
    return { group, evaluation: { specKey, specKind: 'version', contentId: request.contentId, split, seed } };
  }
  const candidate = (await candidateEvaluations(deps, state)).find(
    (evaluation) => evaluation.candidateId === request.candidateId,
  );
  if (!candidate) {
    throw new SystemError(
      `cycle ${state.cycleId} has no stored candidate ${request.candidateId} to evaluate`,
    );
  }
  return { group, evaluation: { ...candidate, split, seed } };
}

/**
 * Writes the group's shards (once: a re-run reads the stored index, so progress never changes the
 * plan) and returns their keys; empty when every evaluation is already stored.
 */
export async function planShardGroup(
  deps: CycleDeps,
  state: CycleState,
  group: ShardGroup,
  evaluations: readonly ShardedEvaluation[],
): Promise<string[]> {
  const existing = await readArtifact(deps.store, indexKey(state.cycleId, group), groupIndexCodec);
  if (existing) return existing.shards;
  const shardKeys: string[] = [];
  const size = deps.project.policies.shardTasks;
  for (const [index, evaluation] of evaluations.entries()) {
    const key = evaluationKey(deps, evaluation);
    if (await deps.store.get(key)) continue;
    const taskIds = deps.suite.tasks(evaluation.split).map((task) => task.id);
    for (let start = 0; start < taskIds.length; start += size) {
      const shardId = `e${index}-s${String(start / size).padStart(3, '0')}`;
      const shard: Shard = {
        schemaVersion: 'harnessx.shard/1',
        cycleId: state.cycleId,
        group,
        shardId,
        ...evaluation,
        taskIds: taskIds.slice(start, start + size),
        evaluationKey: key,
      };
      shardKeys.push(
        await writeArtifact(deps.store, `${groupPrefix(state.cycleId, group)}/${shardId}.json`, shard),
      );
    }
  }
  await writeArtifact(deps.store, indexKey(state.cycleId, group), {
    schemaVersion: 'harnessx.shard-group/1',
    cycleId: state.cycleId,
    group,
    shards: shardKeys,
  });
  return shardKeys;
}

export function shardMessages(state: CycleState, shardKeys: readonly string[]): StageMessage[] {
  return shardKeys.map((key) => ({
    schemaVersion: 'harnessx.message/1',
    type: 'evaluate',
    project: state.project,
    cycleId: state.cycleId,
    idempotencyKey: `${state.cycleId}:evaluate:${key.split('/').slice(-2).join('/')}`,
    refs: { shard: key },
  }));
}

/** Runs one shard (unless its result is stored) and returns whether its group is now complete. */
export async function runShard(
  deps: CycleDeps,
  shardKey: string,
): Promise<{ shard: Shard; complete: boolean; ran: boolean }> {
  const shard = await requireArtifact(deps.store, shardKey, shardCodec);
  let ran = false;
  if (!(await deps.store.get(resultKey(shard)))) {
    const spec =
      shard.specKind === 'version'
        ? await loadVersionSpec(deps, shard.contentId)
        : (await requireArtifact(deps.store, shard.specKey, candidateArtifact)).spec;
    const evaluation = await evaluateHarness({
      cycleId: shard.cycleId,
      spec,
      contentId: shard.contentId,
      ...(shard.candidateId ? { candidateId: shard.candidateId } : {}),
      suite: deps.suite,
      split: shard.split,
      taskIds: shard.taskIds,
      shardLabel: shard.shardId,
      k: deps.project.policies.rollouts,
      seed: shard.seed,
      processors: deps.resolveProcessors(spec),
      model: deps.worker.model,
      ...(deps.worker.fallbackModel ? { fallbackModel: deps.worker.fallbackModel } : {}),
      store: deps.store,
      concurrency: deps.project.policies.concurrency,
      ...(deps.signal ? { signal: deps.signal } : {}),
    });
    await writeArtifact(deps.store, resultKey(shard), evaluation);
    ran = true;
  }
  const index = await requireArtifact(deps.store, indexKey(shard.cycleId, shard.group), groupIndexCodec);
  const done = await deps.registry.recordFanIn(`shards:${shard.cycleId}:${shard.group}`, shard.shardId);
  return { shard, complete: done >= index.shards.length, ran };
}

const mean = (values: readonly number[]) =>
  values.length === 0 ? 0 : values.reduce((sum, value) => sum + value, 0) / values.length;

/** Merges a complete group's shards into one evaluation per `evaluationKey` (idempotent). */
export async function mergeShardGroup(deps: CycleDeps, cycleId: string, group: ShardGroup): Promise<void> {
  const index = await requireArtifact(deps.store, indexKey(cycleId, group), groupIndexCodec);
  const byEvaluation = new Map<string, { shard: Shard; result: Evaluation }[]>();
  for (const key of index.shards) {
    const shard = await requireArtifact(deps.store, key, shardCodec);
    const result = await requireArtifact(deps.store, resultKey(shard), evaluationArtifact);
    const list = byEvaluation.get(shard.evaluationKey) ?? [];
    list.push({ shard, result });
    byEvaluation.set(shard.evaluationKey, list);
  }
  for (const [key, parts] of byEvaluation) {
    const first = parts[0]?.result;
    if (!first) continue;
    const tasks = parts.flatMap((part) => part.result.tasks);
    const merged = evaluationArtifact.parse({
      ...first,
      tasks,
      successRate: mean(tasks.map((task) => task.successRate)),
      meanReward: mean(tasks.map((task) => task.meanReward)),
      tokens: {
        input: parts.reduce((sum, part) => sum + part.result.tokens.input, 0),
        output: parts.reduce((sum, part) => sum + part.result.tokens.output, 0),
        costUsd: parts.reduce((sum, part) => sum + part.result.tokens.costUsd, 0),
      },
      traceKeys: parts.flatMap((part) => part.result.traceKeys),
    });
    await writeArtifact(deps.store, key, merged);
  }
}
