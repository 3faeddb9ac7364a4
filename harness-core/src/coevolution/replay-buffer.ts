/**
 * The FIFO replay buffer of GRPO datasets (spec §1, §6; DESIGN §7): the last `capacity` (4)
 * cycles' datasets, indexed by a small JSON file in the store. Behaviour log-probs are cached
 * when a dataset enters; a training set for one init policy is composed from the buffered groups
 * of that policy only (E4), with advantages recomputed under the newest cycle's config.
 */
import { z } from 'zod';
import { InputError, SystemError } from '../errors.ts';
import type { ArtifactStore } from '../ports/artifact-store.ts';
import { parseJsonText, parseWith } from '../schema.ts';
import { computeAdvantages, judgeGroup } from './advantages.ts';
import {
  applyCachedLogprobs,
  behaviourLogprobsOf,
  behaviourLogprobsSchema,
  cacheKey,
} from './behaviour-logprobs.ts';
import { type GroupDataset, harnessVersionSummary } from './build-dataset.ts';
import { GROUP_DROP_REASONS, TRAJECTORY_EXCLUSION_REASONS } from './config.ts';
import { datasetKeys, readGroupDataset, serializeGroups } from './dataset-io.ts';
import type { XgrpoGroupRecord } from './group-record-schema.ts';
import {
  type ExclusionCounts,
  type GroupDropCounts,
  MANIFEST_SCHEMA_ID,
  type XgrpoManifest,
} from './manifest-schema.ts';
import { sha256Hex } from './policy.ts';
import { isGreedy, orphanToolCallIds } from './trajectory-checks.ts';

export const REPLAY_BUFFER_SCHEMA_ID = 'harnessx.xgrpo.replay-buffer/1';
export const REPLAY_BUFFER_KEY = 'datasets/grpo/replay-buffer.json';
export const DEFAULT_REPLAY_CAPACITY = 4;
export const behaviourLogprobsKey = (cycleId: string) => `datasets/grpo/${cycleId}/behaviour-logprobs.json`;

const entrySchema = z.strictObject({
  cycle_id: z.string().min(1),
  policy_id: z.string(),
  dataset_sha256: z.string(),
  groups: z.number().int().nonnegative(),
  groups_key: z.string(),
  manifest_key: z.string(),
  behaviour_logprobs_key: z.string(),
});

export const replayBufferIndexSchema = z.strictObject({
  schema: z.literal(REPLAY_BUFFER_SCHEMA_ID),
  capacity: z.number().int().min(1),
  /** Oldest first. */
  cycles: z.array(entrySchema),
});

export type ReplayBufferIndex = z.output<typeof replayBufferIndexSchema>;
export type ReplayBufferEntry = z.output<typeof entrySchema>;

export class ReplayBuffer {
  private constructor(
    private readonly store: ArtifactStore,
    private index: ReplayBufferIndex,
  ) {}

  /** Opens the buffer's index (an empty buffer when there is none yet). */
  static async open(store: ArtifactStore, capacity = DEFAULT_REPLAY_CAPACITY): Promise<ReplayBuffer> {
    const bytes = await store.get(REPLAY_BUFFER_KEY);
    if (bytes === undefined)
      return new ReplayBuffer(store, { schema: REPLAY_BUFFER_SCHEMA_ID, capacity, cycles: [] });
    const text = new TextDecoder().decode(bytes);
    const index = parseWith(
      replayBufferIndexSchema,
      parseJsonText(text, 'xgrpo replay buffer', REPLAY_BUFFER_KEY),
      'xgrpo replay buffer',
      REPLAY_BUFFER_KEY,
    );
    return new ReplayBuffer(store, { ...index, capacity });
  }

  cycles(): readonly ReplayBufferEntry[] {
    return this.index.cycles;
  }

  /** Kept groups in the buffer, of one policy when `policyId` is given. */
  groupsAvailable(policyId?: string): number {
    return this.index.cycles
      .filter((entry) => policyId === undefined || entry.policy_id === policyId)
      .reduce((sum, entry) => sum + entry.groups, 0);
  }

  /**
   * Adds a written cycle dataset (validated on read) and caches its behaviour log-probs; the
   * oldest cycle leaves when the buffer is over capacity. Inserting the same cycle again is a
   * no-op; a cycle whose dataset changed is a `SystemError` (datasets are immutable).
   */
  async insert(cycleId: string): Promise<{ evicted: string[] }> {
    const dataset = await readGroupDataset(this.store, cycleId);
    const existing = this.index.cycles.find((entry) => entry.cycle_id === cycleId);
    if (existing) {
      if (existing.dataset_sha256 !== dataset.manifest.dataset_sha256)
        throw new SystemError(`replay buffer: cycle ${cycleId} is buffered with a different dataset`);
      return { evicted: [] };
    }
    const cache = behaviourLogprobsOf(cycleId, dataset.manifest.dataset_sha256, dataset.records);
    await this.store.putImmutable(behaviourLogprobsKey(cycleId), `${JSON.stringify(cache)}\n`);
    const cycles = [
      ...this.index.cycles,
      {
        cycle_id: cycleId,
        policy_id: dataset.manifest.policy.policy_id,
        dataset_sha256: dataset.manifest.dataset_sha256,
        groups: dataset.records.length,
        groups_key: datasetKeys.groups(cycleId),
        manifest_key: datasetKeys.manifest(cycleId),
        behaviour_logprobs_key: behaviourLogprobsKey(cycleId),
      },
    ];
    const evicted = cycles.slice(0, Math.max(0, cycles.length - this.index.capacity)).map((e) => e.cycle_id);
    this.index = { ...this.index, cycles: cycles.slice(evicted.length) };
    await this.store.put(REPLAY_BUFFER_KEY, `${JSON.stringify(this.index, null, 2)}\n`);
    return { evicted };
  }

  /**
   * The training set for a job whose init policy is `policyId`: the buffered groups of that
   * policy with their cached behaviour log-probs, advantages recomputed under the newest such
   * cycle's config. Cycles of other policies count as `policy_mismatch` drops (E4).
   */
  async composeTrainingSet(policyId: string, clock: () => Date = () => new Date()): Promise<GroupDataset> {
    const entries = this.index.cycles.filter((entry) => entry.policy_id === policyId);
    const newest = entries.at(-1);
    if (newest === undefined)
      throw new InputError('xgrpo replay buffer', REPLAY_BUFFER_KEY, [
        { path: 'cycles', message: `no buffered cycle for policy ${policyId}` },
      ]);
    const dropped = Object.fromEntries(GROUP_DROP_REASONS.map((r) => [r, 0])) as GroupDropCounts;
    const excluded = Object.fromEntries(TRAJECTORY_EXCLUSION_REASONS.map((r) => [r, 0])) as ExclusionCounts;
    let inDropped = 0;
    let trajectoriesIn = 0;
    for (const entry of this.index.cycles.filter((e) => e.policy_id !== policyId)) {
      const other = await readGroupDataset(this.store, entry.cycle_id);
      dropped.policy_mismatch += other.records.length;
      const count = other.records.reduce((sum, r) => sum + r.trajectories.length, 0);
      inDropped += count;
      trajectoriesIn += count;
    }
    let manifestOfNewest: XgrpoManifest | undefined;
    const groups: XgrpoGroupRecord[] = [];
    for (const entry of entries) {
      const dataset = await readGroupDataset(this.store, entry.cycle_id);
      const cache = await this.readCache(entry);
      groups.push(...dataset.records.map((record) => applyCachedLogprobs(record, cache)));
      if (entry === newest) manifestOfNewest = dataset.manifest;
    }
    const { advantage, filter, policy } = manifestOfNewest as XgrpoManifest;
    groups.sort((a, b) => (a.group_id < b.group_id ? -1 : a.group_id > b.group_id ? 1 : 0));
    const kept = groups.filter((group) => {
      trajectoriesIn += group.trajectories.length;
      const rewards = group.trajectories.map((t) => t.reward);
      const verdict = judgeGroup(rewards, group.reward_spec.range, filter, advantage.ddof);
      if (verdict.kept) return true;
      dropped[verdict.reason] += 1;
      inDropped += rewards.length;
      return false;
    });
    const computed = computeAdvantages(
      kept.map((group) => ({
        rewards: group.trajectories.map((t) => t.reward),
        harnessVersions: group.trajectories.map((t) => t.harness.version),
      })),
      advantage,
    );
    const records = kept.map((group, g) => {
      const stats = computed.stats[g] as { n: number; mean: number; std: number };
      const values = computed.advantages[g] as number[];
      return {
        ...group,
        advantage: {
          scale: advantage.scale,
          baseline: advantage.baseline,
          eps: advantage.eps,
          ddof: advantage.ddof,
          n: stats.n,
          mean: stats.mean,
          std: stats.std,
          ...(computed.batchStd === undefined ? {} : { batch_std: computed.batchStd }),
        },
        trajectories: group.trajectories.map((t, i) => ({ ...t, advantage: values[i] as number })),
      };
    });
    const jsonl = serializeGroups(records);
    const trajectories = records.flatMap((r) => r.trajectories);
    const manifest: XgrpoManifest = {
      schema: MANIFEST_SCHEMA_ID,
      created_at: clock().toISOString(),
      builder: (manifestOfNewest as XgrpoManifest).builder,
      dataset_sha256: sha256Hex(jsonl),
      round: null,
      policy,
      advantage,
      filter,
      counts: {
        groups: {
          in: records.length + Object.values(dropped).reduce((s, n) => s + n, 0),
          kept: records.length,
          dropped,
        },
        trajectories: {
          in: trajectoriesIn,
          kept: trajectories.length,
          excluded,
          in_dropped_groups: inDropped,
        },
        zero_advantage: trajectories.filter((t) => Math.abs(t.advantage) <= filter.zero_advantage_tol).length,
        no_trainable_calls: trajectories.filter((t) => !t.calls.some((c) => c.trainable)).length,
        retired_harness_scaled: computed.retiredScaled,
        greedy_groups: records.filter((r) =>
          r.trajectories.every((t) => isGreedy(t, filter.greedy_temperature)),
        ).length,
        orphan_tool_messages: trajectories.reduce((sum, t) => sum + orphanToolCallIds(t).length, 0),
      },
      harness_versions: harnessVersionSummary(trajectories),
      warnings: [`composed from replay-buffer cycles ${entries.map((e) => e.cycle_id).join(', ')}`],
    };
    return { jsonl, records, manifest };
  }

  private async readCache(entry: ReplayBufferEntry): Promise<Map<string, number[] | null>> {
    const bytes = await this.store.get(entry.behaviour_logprobs_key);
    if (bytes === undefined)
      throw new InputError('xgrpo behaviour log-probs', entry.behaviour_logprobs_key, [
        { path: '', message: 'not in the store' },
      ]);
    const source = entry.behaviour_logprobs_key;
    const cache = parseWith(
      behaviourLogprobsSchema,
      parseJsonText(new TextDecoder().decode(bytes), 'xgrpo behaviour log-probs', source),
      'xgrpo behaviour log-probs',
      source,
    );
    if (cache.dataset_sha256 !== entry.dataset_sha256)
      throw new InputError('xgrpo behaviour log-probs', source, [
        { path: 'dataset_sha256', message: 'does not match the buffered dataset' },
      ]);
    return new Map(cache.calls.map((c) => [cacheKey(c.group_id, c.trajectory_id, c.call_id), c.logprobs]));
  }
}
