import { describe, expect, it } from 'vitest';
import { buildGroupDatasetFromCandidates } from './build-dataset.ts';
import { checkManifestAgainstGroups, parseGroupsJsonl } from './dataset-io.ts';
import { candidate, candidatesFor, OTHER_POLICY, SUCCESS_SPEC, TEST_POLICY } from './fixtures/candidates.ts';
import type { TrajectoryCandidate } from './trajectory-mapping.ts';

const fixedClock = () => new Date('2026-02-01T00:00:00.000Z');
const build = (candidates: readonly TrajectoryCandidate[], extra: Record<string, unknown> = {}) =>
  buildGroupDatasetFromCandidates(candidates, {
    initPolicy: TEST_POLICY,
    round: 'cycle-1',
    clock: fixedClock,
    ...extra,
  });

describe('buildGroupDatasetFromCandidates', () => {
  it('drops zero-spread groups and counts them by reason (9.6)', () => {
    const { records, manifest } = build(
      candidatesFor({ ok: [1, 0, 1], success: [1, 1, 1], fail: [0, 0], middle: [0.5, 0.5, 0.5] }),
    );
    expect(records.map((r) => r.task_id)).toEqual(['ok']);
    expect(manifest.counts.groups).toEqual({
      in: 4,
      kept: 1,
      dropped: {
        too_few_scored: 0,
        zero_spread_all_success: 1,
        zero_spread_all_fail: 1,
        zero_spread_other: 1,
        mixed_reward_spec: 0,
        policy_mismatch: 0,
      },
    });
  });

  it('drops groups with fewer than 2 scorable trajectories and never writes a bad reward (9.7, E3)', () => {
    const candidates = [
      ...candidatesFor({ single: [1], thin: [1, null], ok: [1, 0, 0.5] }),
      candidate({ id: 'ok-infra', taskId: 'ok', reward: 1, status: 'infra_error' }),
      candidate({ id: 'ok-nan', taskId: 'ok', reward: Number.NaN }),
    ];
    const { records, manifest } = build(candidates);
    expect(records.map((r) => r.task_id)).toEqual(['ok']);
    expect(manifest.counts.groups.dropped.too_few_scored).toBe(2);
    expect(manifest.counts.trajectories.excluded).toEqual({
      infra_error: 1,
      reward_missing: 2,
      duplicate_greedy: 0,
    });
    for (const t of records.flatMap((r) => r.trajectories)) {
      expect(Number.isFinite(t.reward)).toBe(true);
      expect(t.status).not.toBe('infra_error');
    }
    expect(records[0]?.trajectories.map((t) => t.trajectory_id)).toEqual(['t:ok-0', 't:ok-1', 't:ok-2']);
  });

  it('never mixes policies or reward-spec versions in one group, and drops off-policy groups (9.8, E4, E5)', () => {
    const v2 = { ...SUCCESS_SPEC, version: '2' };
    const candidates = [
      ...candidatesFor({ t: [1, 0] }),
      candidate({ id: 'spec-1', taskId: 't', reward: 1, rewardSpec: v2 }),
      candidate({ id: 'spec-2', taskId: 't', reward: 0, rewardSpec: v2 }),
      candidate({ id: 'pol-1', taskId: 't', reward: 1, policy: OTHER_POLICY }),
      candidate({ id: 'pol-2', taskId: 't', reward: 0, policy: OTHER_POLICY }),
    ];
    const { records, manifest } = build(candidates);
    expect(records).toHaveLength(2);
    for (const record of records) {
      const ids = record.trajectories.map((t) => t.trajectory_id);
      expect(ids.every((id) => id.startsWith('t:spec')) || ids.every((id) => id.startsWith('t:t-'))).toBe(
        true,
      );
      expect(record.policy.base_model).toBe(TEST_POLICY.baseModel);
      expect(record.policy.adapter_uri).toBeNull();
    }
    expect(new Set(records.map((r) => r.reward_spec.version))).toEqual(new Set(['1', '2']));
    expect(manifest.counts.groups.dropped.policy_mismatch).toBe(1);
    expect(manifest.counts.trajectories.in_dropped_groups).toBe(2);
  });

  it('drops a group whose reward spec ranges disagree', () => {
    const wide = { ...SUCCESS_SPEC, range: [0, 10] as [number, number] };
    const { manifest } = build([
      candidate({ id: 'a', reward: 1 }),
      candidate({ id: 'b', reward: 0, rewardSpec: wide }),
    ]);
    expect(manifest.counts.groups.dropped.mixed_reward_spec).toBe(1);
  });

  it('is deterministic and independent of input order; the manifest matches a recount (9.11)', () => {
    const candidates = candidatesFor({ b: [1, 0, 0.25], a: [0.5, 1], c: [0, 0] });
    const first = build(candidates);
    const second = build([...candidates].reverse());
    expect(second.jsonl).toBe(first.jsonl);
    expect(JSON.stringify(second.manifest)).toBe(JSON.stringify(first.manifest));
    const records = parseGroupsJsonl(first.jsonl, 'built');
    expect(records.map((r) => r.group_id)).toEqual([...records.map((r) => r.group_id)].sort());
    expect(checkManifestAgainstGroups(first.manifest, records, first.jsonl)).toEqual([]);
  });

  it('collapses exact greedy duplicates and warns (E15), but keeps sampled look-alikes', () => {
    const greedy = (id: string, reward: number, answer: string) =>
      candidate({ id, reward, temperature: 0, answer });
    const { records, manifest } = build([
      greedy('g1', 1, 'same'),
      greedy('g2', 1, 'same'),
      greedy('g3', 0, 'other'),
      candidate({ id: 's1', taskId: 'sampled', reward: 1, answer: 'same' }),
      candidate({ id: 's2', taskId: 'sampled', reward: 1, answer: 'same' }),
      candidate({ id: 's3', taskId: 'sampled', reward: 0, answer: 'x' }),
    ]);
    expect(manifest.counts.trajectories.excluded.duplicate_greedy).toBe(1);
    expect(records.find((r) => r.task_id === 'task-a')?.trajectories.map((t) => t.trajectory_id)).toEqual([
      't:g1',
      't:g3',
    ]);
    expect(records.find((r) => r.task_id === 'sampled')?.trajectories).toHaveLength(3);
    expect(manifest.counts.greedy_groups).toBe(1);
    expect(manifest.warnings.join('\n')).toMatch(/near-deterministic/);
  });

  it('counts zero-advantage and untrainable trajectories but keeps them in the line (E6, E8)', () => {
    const untrainable = candidate({ id: 'x2', taskId: 'x', reward: 0.5 });
    untrainable.calls = untrainable.calls.map((call) => ({ ...call, trainable: false }));
    const { records, manifest } = build([
      candidate({ id: 'x1', taskId: 'x', reward: 1 }),
      untrainable,
      candidate({ id: 'x3', taskId: 'x', reward: 0 }),
    ]);
    expect(records[0]?.trajectories).toHaveLength(3);
    expect(manifest.counts.zero_advantage).toBe(1);
    expect(manifest.counts.no_trainable_calls).toBe(1);
  });

  it('warns about tool messages that answer no earlier tool call (E20)', () => {
    const orphan = candidate({ id: 'o1', reward: 1 });
    orphan.calls = orphan.calls.map((call) => ({
      ...call,
      context: {
        ...call.context,
        messages: [...call.context.messages, { role: 'tool', tool_call_id: 'call_x', content: 'synthetic' }],
      },
    }));
    const { manifest } = build([orphan, candidate({ id: 'o2', reward: 0 })]);
    expect(manifest.counts.orphan_tool_messages).toBe(1);
    expect(manifest.warnings.join('\n')).toMatch(/t:o1\/call_x/);
  });

  it('reports per-harness-version counts and mean reward', () => {
    const { manifest } = build(candidatesFor({ a: [1, 0, 1, 1] }));
    expect(manifest.harness_versions).toEqual([
      { harness_id: 'main', version: 'v1', trajectories: 2, mean_reward: 1 },
      { harness_id: 'main', version: 'v2', trajectories: 2, mean_reward: 0.5 },
    ]);
  });

  it('warns when nothing is kept (E16 is the trainer’s to enforce)', () => {
    const { jsonl, manifest } = build(candidatesFor({ a: [1, 1] }));
    expect(jsonl).toBe('');
    expect(manifest.warnings.join('\n')).toMatch(/E16/);
  });
});
