/**
 * The cross-harness GRPO dataset builder (spec §5, §7): trajectory candidates → groups keyed by
 * (task, policy, reward spec, round), filtered (E1–E5, E15), with advantages (§2), written as
 * deterministic JSONL plus a manifest whose counts equal a recount of the file.
 */
import { InputError } from '../errors.ts';
import type { ArtifactStore } from '../ports/artifact-store.ts';
import { readTraceBytes } from '../trace/otlp-reader.ts';
import { computeAdvantages, type GroupStats, judgeGroup } from './advantages.ts';
import {
  type AdvantageConfig,
  type AdvantageConfigInput,
  type FilterConfigInput,
  GROUP_DROP_REASONS,
  parseAdvantageConfig,
  parseFilterConfig,
  TRAJECTORY_EXCLUSION_REASONS,
} from './config.ts';
import { serializeGroups } from './dataset-io.ts';
import {
  GROUP_RECORD_SCHEMA_ID,
  type XgrpoGroupRecord,
  type XgrpoTrajectory,
} from './group-record-schema.ts';
import {
  BUILDER_NAME,
  BUILDER_VERSION,
  type ExclusionCounts,
  type GroupDropCounts,
  MANIFEST_SCHEMA_ID,
  type XgrpoManifest,
} from './manifest-schema.ts';
import { type PolicyDescriptor, policyId, policyRecord, sha256Hex } from './policy.ts';
import { collapseGreedyDuplicates, isGreedy, orphanToolCallIds } from './trajectory-checks.ts';
import {
  candidateFromTrajectory,
  type MappingOptions,
  type TrajectoryCandidate,
} from './trajectory-mapping.ts';

export interface BuildOptions {
  /** The job's init policy: groups of any other policy are dropped (E4). */
  initPolicy: PolicyDescriptor;
  /** Evaluation batch (the AEGIS cycle id); part of the group key. */
  round?: string;
  advantage?: AdvantageConfigInput;
  filter?: FilterConfigInput;
  /** Injectable for frozen fixtures; default the wall clock. */
  clock?: () => Date;
}

export interface GroupDataset {
  jsonl: string;
  records: XgrpoGroupRecord[];
  manifest: XgrpoManifest;
}

/** `g:` + sha256 of `task_id|policy_id|reward name@version|round` (round empty when absent). */
export function groupId(
  taskId: string,
  policy: string,
  spec: { name: string; version: string },
  round?: string,
) {
  return `g:${sha256Hex([taskId, policy, `${spec.name}@${spec.version}`, round ?? ''].join('|'))}`;
}

/** Reads OTLP/JSON trace files from the store (by key) and maps every episode to a candidate. */
export async function candidatesFromTraces(
  store: ArtifactStore,
  traceKeys: readonly string[],
  options: MappingOptions = {},
): Promise<TrajectoryCandidate[]> {
  const candidates: TrajectoryCandidate[] = [];
  for (const key of [...traceKeys].sort()) {
    const bytes = await store.get(key);
    if (bytes === undefined)
      throw new InputError('trace file', key, [{ path: '', message: 'not in the artifact store' }]);
    for (const trajectory of readTraceBytes(bytes, key).trajectories)
      candidates.push(candidateFromTrajectory(trajectory, key, options));
  }
  return candidates;
}

/** Reads traces from the store and builds the dataset (`buildGroupDatasetFromCandidates`). */
export async function buildGroupDataset(
  input: BuildOptions & { store: ArtifactStore; traceKeys: readonly string[]; mapping?: MappingOptions },
): Promise<GroupDataset> {
  const candidates = await candidatesFromTraces(input.store, input.traceKeys, input.mapping);
  return buildGroupDatasetFromCandidates(candidates, input);
}

interface PendingGroup {
  id: string;
  taskId: string;
  members: TrajectoryCandidate[];
}

export function buildGroupDatasetFromCandidates(
  candidates: readonly TrajectoryCandidate[],
  options: BuildOptions,
): GroupDataset {
  const advantage = parseAdvantageConfig(options.advantage ?? {});
  const filter = parseFilterConfig(options.filter ?? {});
  const initPolicyId = policyId(options.initPolicy);
  const dropped = Object.fromEntries(GROUP_DROP_REASONS.map((r) => [r, 0])) as GroupDropCounts;
  const excluded = Object.fromEntries(TRAJECTORY_EXCLUSION_REASONS.map((r) => [r, 0])) as ExclusionCounts;
  let inDroppedGroups = 0;
  let greedyGroups = 0;

  const pending = new Map<string, PendingGroup>();
  for (const candidate of candidates) {
    const id = groupId(candidate.taskId, policyId(candidate.policy), candidate.rewardSpec, options.round);
    const group = pending.get(id) ?? { id, taskId: candidate.taskId, members: [] };
    group.members.push(candidate);
    pending.set(id, group);
  }

  const kept: { group: PendingGroup; members: TrajectoryCandidate[] }[] = [];
  for (const group of [...pending.values()].sort((a, b) => compare(a.id, b.id))) {
    const members = [...group.members].sort((a, b) => compare(a.trajectoryId, b.trajectoryId));
    assertUniqueIds(members);
    const scorable = members.filter((member) => {
      if (member.status === 'infra_error') excluded.infra_error += 1;
      else if (member.reward === null || !Number.isFinite(member.reward)) excluded.reward_missing += 1;
      else return true;
      return false;
    });
    const { kept: unique, duplicates } = collapseGreedyDuplicates(scorable, filter.greedy_temperature);
    excluded.duplicate_greedy += duplicates.length;
    const first = members[0] as TrajectoryCandidate;
    const reason =
      policyId(first.policy) !== initPolicyId
        ? 'policy_mismatch'
        : new Set(members.map((m) => JSON.stringify(m.rewardSpec.range))).size > 1
          ? 'mixed_reward_spec'
          : undefined;
    const verdict =
      reason === undefined
        ? judgeGroup(
            unique.map((m) => m.reward as number),
            first.rewardSpec.range,
            filter,
            advantage.ddof,
          )
        : ({ kept: false, reason } as const);
    if (!verdict.kept) {
      dropped[verdict.reason] += 1;
      inDroppedGroups += unique.length;
      continue;
    }
    if (unique.every((m) => isGreedy(m, filter.greedy_temperature))) greedyGroups += 1;
    kept.push({ group, members: unique });
  }

  const computed = computeAdvantages(
    kept.map(({ members }) => ({
      rewards: members.map((m) => m.reward as number),
      harnessVersions: members.map((m) => m.harness.version),
    })),
    advantage,
  );
  const records = kept.map(({ group, members }, g) =>
    groupRecord(group, members, computed.advantages[g] as number[], advantage, options.round, {
      ...(computed.stats[g] as GroupStats),
      ...(computed.batchStd === undefined ? {} : { batchStd: computed.batchStd }),
    }),
  );
  const jsonl = serializeGroups(records);
  const trajectories = records.flatMap((record) => record.trajectories);
  const orphans = trajectories.flatMap((t) => orphanToolCallIds(t).map((id) => `${t.trajectory_id}/${id}`));
  const warnings = [
    ...(greedyGroups > 0
      ? [
          `${greedyGroups} kept group(s) were sampled greedily (temperature < ${filter.greedy_temperature}): the data are near-deterministic (E15)`,
        ]
      : []),
    ...(orphans.length > 0
      ? [
          `${orphans.length} tool message(s) answer no earlier tool call (E20), e.g. ${orphans.slice(0, 3).join(', ')}`,
        ]
      : []),
    ...(records.length === 0 ? ['no group was kept: a training job on this dataset fails (E16)'] : []),
  ];
  const manifest: XgrpoManifest = {
    schema: MANIFEST_SCHEMA_ID,
    created_at: (options.clock ?? (() => new Date()))().toISOString(),
    builder: { name: BUILDER_NAME, version: BUILDER_VERSION },
    dataset_sha256: sha256Hex(jsonl),
    round: options.round ?? null,
    policy: policyRecord(options.initPolicy),
    advantage,
    filter,
    counts: {
      groups: { in: pending.size, kept: records.length, dropped },
      trajectories: {
        in: candidates.length,
        kept: trajectories.length,
        excluded,
        in_dropped_groups: inDroppedGroups,
      },
      zero_advantage: trajectories.filter((t) => Math.abs(t.advantage) <= filter.zero_advantage_tol).length,
      no_trainable_calls: trajectories.filter((t) => !t.calls.some((call) => call.trainable)).length,
      retired_harness_scaled: computed.retiredScaled,
      greedy_groups: greedyGroups,
      orphan_tool_messages: orphans.length,
    },
    harness_versions: harnessVersionSummary(trajectories),
    warnings,
  };
  return { jsonl, records, manifest };
}

function groupRecord(
  group: PendingGroup,
  members: readonly TrajectoryCandidate[],
  advantages: readonly number[],
  config: AdvantageConfig,
  round: string | undefined,
  stats: GroupStats & { batchStd?: number },
): XgrpoGroupRecord {
  const first = members[0] as TrajectoryCandidate;
  return {
    schema: GROUP_RECORD_SCHEMA_ID,
    group_id: group.id,
    task_id: group.taskId,
    ...(round === undefined ? {} : { round }),
    policy: policyRecord(first.policy),
    reward_spec: {
      name: first.rewardSpec.name,
      version: first.rewardSpec.version,
      range: first.rewardSpec.range,
    },
    advantage: {
      scale: config.scale,
      baseline: config.baseline,
      eps: config.eps,
      ddof: config.ddof,
      n: stats.n,
      mean: stats.mean,
      std: stats.std,
      ...(stats.batchStd === undefined ? {} : { batch_std: stats.batchStd }),
    },
    trajectories: members.map((m, i) => trajectoryRecord(m, advantages[i] as number)),
  };
}

function trajectoryRecord(candidate: TrajectoryCandidate, advantage: number): XgrpoTrajectory {
  return {
    trajectory_id: candidate.trajectoryId,
    harness: candidate.harness,
    status: candidate.status as XgrpoTrajectory['status'],
    reward: candidate.reward as number,
    ...(candidate.rewardComponents === undefined ? {} : { reward_components: candidate.rewardComponents }),
    advantage,
    tools: candidate.tools,
    calls: candidate.calls,
  };
}

export function harnessVersionSummary(
  trajectories: readonly XgrpoTrajectory[],
): XgrpoManifest['harness_versions'] {
  const byVersion = new Map<string, { harness_id: string; version: string; rewards: number[] }>();
  for (const t of trajectories) {
    const key = `${t.harness.harness_id}\n${t.harness.version}`;
    const entry = byVersion.get(key) ?? {
      harness_id: t.harness.harness_id,
      version: t.harness.version,
      rewards: [],
    };
    entry.rewards.push(t.reward);
    byVersion.set(key, entry);
  }
  return [...byVersion.entries()]
    .sort(([a], [b]) => compare(a, b))
    .map(([, entry]) => ({
      harness_id: entry.harness_id,
      version: entry.version,
      trajectories: entry.rewards.length,
      mean_reward: entry.rewards.reduce((sum, r) => sum + r, 0) / entry.rewards.length,
    }));
}

function assertUniqueIds(sorted: readonly TrajectoryCandidate[]): void {
  for (let i = 1; i < sorted.length; i++) {
    const current = sorted[i] as TrajectoryCandidate;
    if (current.trajectoryId === (sorted[i - 1] as TrajectoryCandidate).trajectoryId)
      throw new InputError('trajectory for GRPO', current.source, [
        { path: 'trajectory_id', message: `${current.trajectoryId} occurs twice in one group` },
      ]);
  }
}

/** Code-unit order, independent of the locale, so output bytes never depend on the machine. */
function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
