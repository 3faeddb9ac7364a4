/**
 * The digest on real household traces: the baseline harness on the simulated worker, whose
 * seeded failure modes (finishing before the goal holds, looping on failed actions, malformed
 * arguments) the digest must find and locate.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeTraceFile } from '../../trace/index.ts';
import { failedTrajectoriesOf } from '../artifacts/digest.ts';
import { digestTraceFiles } from './digest-trace-files.ts';
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
    const shortIds = short.trajectories.map((trajectory) => trajectory.traceId);
    expect(digest.successfulTrajectories?.map((entry) => entry.traceId)).toEqual(
      expect.arrayContaining(shortIds),
    );
    const longIds = new Set(long.trajectories.map((trajectory) => trajectory.traceId));
    const earlyFinish = digest.clusters.find((cluster) => cluster.failureClass === 'early-finish');
    expect(earlyFinish).toMatchObject({ id: 'early-finish:finish', tool: 'finish' });
    const members = earlyFinish?.members ?? [];
    expect(members.length).toBeGreaterThanOrEqual(4);
    for (const member of members) {
      expect(longIds.has(member.traceId)).toBe(true);
      expect(member).toMatchObject({ turn: member.turns - 1 });
      expect(member).not.toHaveProperty('tool');
      if (member.excerpt !== undefined) expect(member.excerpt).toMatch(/^finish\(/);
    }
    for (const span of earlyFinish?.evidence ?? []) expect(span.excerpt).toMatch(/^finish\(/);
    expect(digest.clusters[0]).toMatchObject({ id: 'early-finish:finish', tool: 'finish' });
    expect(digest.clusters[0]?.actionability).toBeGreaterThan(0.5);
  });

  it('finds loops and other causes, not just the budget, when long tasks run out of turns', async () => {
    const batch = await runHouseholdBatch({ episodes: 24, minDifficulty: 4, budgets: { maxTurns: 14 } });
    const digest = digestTrajectories(batch.trajectories, { cycleId, harnessContentId: batch.contentId });
    const stopped = failedTrajectoriesOf(digest).filter((entry) => entry.outcome === 'budget-exhausted');
    expect(stopped.length).toBeGreaterThan(5);
    const loops = stopped.filter((entry) => entry.failureClass === 'repeated-failed-action');
    expect(loops.length).toBeGreaterThan(0);
    for (const entry of loops) {
      expect(entry.tool).toBeDefined();
      expect(entry.turn).toBeLessThan(entry.turns);
    }
    const loopClusters = digest.clusters.filter(
      (cluster) => cluster.failureClass === 'repeated-failed-action',
    );
    expect(loopClusters.length).toBeGreaterThan(0);
    for (const cluster of loopClusters) {
      for (const span of cluster.evidence) expect(span.excerpt).toMatch(/^[a-z_]+\(/);
      for (const member of cluster.members) {
        expect(member.outcome).toBe('budget-exhausted');
        const tool = member.tool ?? cluster.tool;
        if (member.excerpt !== undefined) expect(member.excerpt).toContain(`${tool}(`);
      }
    }
  });

  it('locates every failure of the 100-episode benchmark batch and compresses its trace file over 1000:1', async () => {
    const batch = await runHouseholdBatch({ episodes: 100 });
    expect(batch.trajectories).toHaveLength(100);
    const digest = digestTrajectories(batch.trajectories, { cycleId, harnessContentId: batch.contentId });
    const failed = failedTrajectoriesOf(digest);
    expect(failed.length).toBeGreaterThan(10);
    expect(failed.length).toBe(Math.round(100 * (1 - digest.successRate)));
    for (const cluster of digest.clusters) {
      expect(cluster.failureClass).not.toBe('unknown');
      expect(cluster.evidence.length).toBeGreaterThan(0);
      for (const member of cluster.members) expect(member.turn).toBeTypeOf('number');
    }
    expect(digest.clusters.reduce((sum, cluster) => sum + cluster.count, 0)).toBe(failed.length);
    // What bench/digest.ts measures: the trace file's bytes / 4 over the digest's own JSON / 4.
    const directory = await mkdtemp(join(tmpdir(), 'harnessx-household-digest-'));
    try {
      const path = join(directory, 'batch.otlp.json');
      await writeTraceFile(path, batch.trajectories);
      const { digest: fromFile } = await digestTraceFiles([path], {
        cycleId,
        harnessContentId: batch.contentId,
      });
      expect(fromFile.clusters.map(({ id, count, taskIds }) => ({ id, count, taskIds }))).toEqual(
        digest.clusters.map(({ id, count, taskIds }) => ({ id, count, taskIds })),
      );
      // Read from a file, every member points at its evidence span.
      for (const member of fromFile.clusters.flatMap((cluster) => cluster.members))
        expect(member.spanId).toMatch(/^[0-9a-f]{16}$/);
      expect(fromFile.tokens.in / fromFile.tokens.out).toBeGreaterThanOrEqual(1000);
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  });
});
