import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createFilesystemArtifactStore } from '../adapters/embedded/filesystem-artifact-store.ts';
import type { ArtifactStore } from '../ports/artifact-store.ts';
import { behaviourLogprobsOf, missingLogprobsReason } from './behaviour-logprobs.ts';
import { buildGroupDatasetFromCandidates } from './build-dataset.ts';
import { checkManifestAgainstGroups, parseGroupsJsonl, writeGroupDataset } from './dataset-io.ts';
import { candidate, candidatesFor, OTHER_POLICY, TEST_POLICY } from './fixtures/candidates.ts';
import { type PolicyDescriptor, policyId } from './policy.ts';
import { REPLAY_BUFFER_KEY, ReplayBuffer } from './replay-buffer.ts';
import type { TrajectoryCandidate } from './trajectory-mapping.ts';

const clock = () => new Date('2026-03-01T00:00:00.000Z');

function withTokens(c: TrajectoryCandidate, logprobs: number[] | null): TrajectoryCandidate {
  return {
    ...c,
    calls: c.calls.map((call) => ({
      ...call,
      tokens: {
        extends: null,
        prompt_ids: [1, 2],
        completion_ids: [3, 4],
        completion_logprobs: logprobs,
        logprobs_mode: 'processed',
      },
    })),
  };
}

async function writeCycle(store: ArtifactStore, cycleId: string, policy: PolicyDescriptor = TEST_POLICY) {
  const candidates = [
    withTokens(candidate({ id: `${cycleId}-a`, reward: 1, policy }), [-0.1, -0.2]),
    withTokens(candidate({ id: `${cycleId}-b`, reward: 0, policy }), null),
    candidate({ id: `${cycleId}-c`, reward: 0.5, policy }),
  ];
  const dataset = buildGroupDatasetFromCandidates(candidates, { initPolicy: policy, round: cycleId, clock });
  await writeGroupDataset(store, cycleId, dataset);
}

describe('ReplayBuffer', () => {
  let root: string;
  let store: ArtifactStore;
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'xgrpo-buffer-'));
    store = createFilesystemArtifactStore(root);
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('keeps the last 4 cycles, first in first out, and persists its index', async () => {
    const buffer = await ReplayBuffer.open(store);
    const evicted: string[] = [];
    for (const cycle of ['c1', 'c2', 'c3', 'c4', 'c5']) {
      await writeCycle(store, cycle);
      evicted.push(...(await buffer.insert(cycle)).evicted);
    }
    expect(evicted).toEqual(['c1']);
    expect(buffer.cycles().map((e) => e.cycle_id)).toEqual(['c2', 'c3', 'c4', 'c5']);
    expect(buffer.groupsAvailable()).toBe(4);
    expect((await buffer.insert('c5')).evicted).toEqual([]);
    const reopened = await ReplayBuffer.open(store);
    expect(reopened.cycles().map((e) => e.cycle_id)).toEqual(['c2', 'c3', 'c4', 'c5']);
    expect(JSON.parse(new TextDecoder().decode(await store.get(REPLAY_BUFFER_KEY))).schema).toBe(
      'harnessx.xgrpo.replay-buffer/1',
    );
  });

  it('caches behaviour log-probs at insertion and composes from the cache, not the records', async () => {
    await writeCycle(store, 'c1');
    const buffer = await ReplayBuffer.open(store);
    await buffer.insert('c1');
    // Tamper with the cache: composition must read it rather than recompute from the dataset.
    const key = 'datasets/grpo/c1/behaviour-logprobs.json';
    const cache = JSON.parse(new TextDecoder().decode(await store.get(key)));
    expect(cache.calls.map((c: { missing: string | null }) => c.missing)).toEqual([
      null,
      'no_logprobs',
      'no_tokens',
    ]);
    cache.calls[0].logprobs = [-9, -9];
    await store.put(key, JSON.stringify(cache));
    const composed = await buffer.composeTrainingSet(policyId(TEST_POLICY), clock);
    const calls = composed.records[0]?.trajectories.map((t) => {
      const tokens = t.calls[0]?.tokens;
      return tokens ? tokens.completion_logprobs : 'none';
    });
    expect(calls).toEqual([[-9, -9], null, 'none']);
  });

  it('composes only the init policy’s groups (E4) with a manifest that matches a recount', async () => {
    await writeCycle(store, 'c1');
    await writeCycle(store, 'c2', OTHER_POLICY);
    await writeCycle(store, 'c3');
    const buffer = await ReplayBuffer.open(store);
    for (const cycle of ['c1', 'c2', 'c3']) await buffer.insert(cycle);
    expect(buffer.groupsAvailable(policyId(TEST_POLICY))).toBe(2);
    const composed = await buffer.composeTrainingSet(policyId(TEST_POLICY), clock);
    expect(composed.records.map((r) => r.round)).toEqual(expect.arrayContaining(['c1', 'c3']));
    expect(composed.records.every((r) => r.policy.policy_id === policyId(TEST_POLICY))).toBe(true);
    expect(composed.manifest.counts.groups.dropped.policy_mismatch).toBe(1);
    expect(
      checkManifestAgainstGroups(
        composed.manifest,
        parseGroupsJsonl(composed.jsonl, 'composed'),
        composed.jsonl,
      ),
    ).toEqual([]);
    await expect(buffer.composeTrainingSet(`sha256:${'0'.repeat(64)}`)).rejects.toThrow(/no buffered cycle/);
  });

  it('marks log-probs unusable as behaviour log-probs (E10)', () => {
    const dataset = buildGroupDatasetFromCandidates(candidatesFor({ a: [1, 0] }), {
      initPolicy: TEST_POLICY,
    });
    const call = dataset.records[0]?.trajectories[0]?.calls[0];
    if (!call) throw new Error('no call');
    const tokens = {
      extends: null,
      prompt_ids: [1],
      completion_ids: [2],
      completion_logprobs: [-1],
      logprobs_mode: 'raw' as const,
    };
    expect(missingLogprobsReason({ ...call, tokens })).toBe('raw_with_temperature');
    expect(
      missingLogprobsReason({ ...call, tokens, sampling: { ...call.sampling, temperature: 1 } }),
    ).toBeNull();
    expect(
      missingLogprobsReason({
        ...call,
        tokens: { ...tokens, logprobs_mode: 'processed' },
        sampling: { ...call.sampling, top_p: 0.9 },
      }),
    ).toBe('truncated_sampling');
    expect(behaviourLogprobsOf('c', 'a'.repeat(64), dataset.records).calls).toHaveLength(2);
  });
});
