/**
 * The digest on real household traces: the baseline harness on the simulated worker, whose
 * seeded failure modes (finishing before the goal holds, looping on failed actions, malformed
 * arguments) the digest must find and locate.
 */
import { describe, expect, it } from 'vitest';
import { digestTrajectories } from './digest-trajectories.ts';
import { runHouseholdBatch } from './test-support/household-batch.ts';

const cycleId = 'household-c001';

describe('digest of household traces (baseline harness, simulated worker)', () => {
  it('finds early finishes on the long tasks, located at the finishing turn', async () => {
    const short = await runHouseholdBatch({ episodes: 4 });
    const long = await runHouseholdBatch({ episodes: 8, minDifficulty: 5 });
    const digest = digestTrajectories([...short.trajectories, ...long.trajectories], {
      cycleId,
      harnessContentId: long.contentId,
      successfulTrajectories: 'list',
    });
    const shortEntries = digest.trajectories.slice(0, 4);
    const longEntries = digest.trajectories.slice(4);
    expect(shortEntries.every((entry) => entry.success && entry.failureClass === 'none')).toBe(true);
    const earlyFinishes = longEntries.filter((entry) => entry.failureClass === 'early-finish');
    expect(earlyFinishes.length).toBeGreaterThanOrEqual(4);
    for (const entry of earlyFinishes) {
      expect(entry).toMatchObject({ success: false, tool: 'finish', turn: entry.turns - 1 });
      expect(entry.evidence[0]?.excerpt).toMatch(/^finish\(/);
    }
    expect(digest.clusters[0]).toMatchObject({ id: 'early-finish:finish', tool: 'finish' });
    expect(digest.clusters[0]?.actionability).toBeGreaterThan(0.5);
  });

  it('finds loops and other causes, not just the budget, when long tasks run out of turns', async () => {
    const batch = await runHouseholdBatch({ episodes: 24, minDifficulty: 4, budgets: { maxTurns: 14 } });
    const digest = digestTrajectories(batch.trajectories, { cycleId, harnessContentId: batch.contentId });
    const stopped = digest.trajectories.filter((entry) => entry.outcome === 'budget-exhausted');
    expect(stopped.length).toBeGreaterThan(5);
    const loops = stopped.filter((entry) => entry.failureClass === 'repeated-failed-action');
    expect(loops.length).toBeGreaterThan(0);
    for (const entry of loops) {
      expect(entry.tool).toBeDefined();
      expect(entry.turn).toBeLessThan(entry.turns);
      expect(entry.evidence[0]?.excerpt).toContain(`${entry.tool}(`);
    }
    expect(digest.clusters.some((cluster) => cluster.failureClass === 'repeated-failed-action')).toBe(true);
  });

  it('locates every failure of the 100-episode benchmark batch and compresses it by two orders of magnitude', async () => {
    const batch = await runHouseholdBatch({ episodes: 100 });
    expect(batch.trajectories).toHaveLength(100);
    const digest = digestTrajectories(batch.trajectories, { cycleId, harnessContentId: batch.contentId });
    const failed = digest.trajectories.filter((entry) => !entry.success);
    expect(failed.length).toBeGreaterThan(10);
    for (const entry of failed) {
      expect(entry.failureClass).not.toBe('none');
      expect(entry.failureClass).not.toBe('unknown');
      expect(entry.turn).toBeTypeOf('number');
      expect(entry.evidence.length).toBeGreaterThan(0);
    }
    expect(digest.clusters.reduce((sum, cluster) => sum + cluster.count, 0)).toBe(failed.length);
    expect(digest.tokens.in / digest.tokens.out).toBeGreaterThan(100);
  });
});
