/**
 * Builds a digest one trajectory at a time, so a batch of any size is digested without holding its
 * trajectories: each is reduced to its digest entry as soon as it is added.
 */
import { estimateTokens } from '../../providers/model.ts';
import type { Trajectory } from '../../trace/trajectory.ts';
import {
  DIGEST_VERSION,
  type Digest,
  digestArtifact,
  PLAIN_SUCCESS_OUTCOME,
  type SuccessfulTrajectory,
  type TrajectoryDigest,
} from '../artifacts/digest.ts';
import { analyseTrajectory } from './analyse-trajectory.ts';
import { type AnalysedFailure, clusterFailures } from './cluster-failures.ts';
import { type DigestOptions, parseDigestOptions, type ResolvedDigestOptions } from './digest-options.ts';
import { estimateTrajectoryTokens } from './estimate-trace-tokens.ts';
import { createToolCallSignals, type ToolCallSignals } from './tool-call-signals.ts';

export interface DigestBuilder {
  add(trajectory: Trajectory): void;
  /** The validated digest; `tokensIn` (e.g. from bytes read) wins over the options' and the estimate. */
  finish(tokensIn?: number): Digest;
}

/**
 * `tokens.out` is the estimate of the digest's own JSON, which contains it: iterate to the fixed
 * point (the digit count changes at most a few times).
 */
export function withOutputTokens(digest: Digest): Digest {
  let out = 0;
  for (let round = 0; round < 5; round++) {
    const next = estimateTokens(JSON.stringify({ ...digest, tokens: { in: digest.tokens.in, out } }));
    if (next === out) break;
    out = next;
  }
  return { ...digest, tokens: { in: digest.tokens.in, out } };
}

function successfulTrajectory(entry: TrajectoryDigest): SuccessfulTrajectory {
  return {
    traceId: entry.traceId,
    taskId: entry.taskId,
    reward: entry.reward,
    turns: entry.turns,
    ...(entry.outcome === PLAIN_SUCCESS_OUTCOME ? {} : { outcome: entry.outcome }),
  };
}

export interface CreateDigestBuilderSettings {
  /** Where the options come from, for the `InputError` of a bad option. */
  source?: string;
  /**
   * Estimate `tokens.in` from each trajectory's messages when the options do not give it. Off
   * when the caller counts the trace bytes itself (it passes them to `finish`).
   */
  estimateTokensIn?: boolean;
}

export function createDigestBuilder(
  options: DigestOptions,
  settings: CreateDigestBuilderSettings = {},
): DigestBuilder {
  const resolved: ResolvedDigestOptions = parseDigestOptions(options, settings.source ?? 'digest options');
  const estimate = resolved.tokensIn === undefined && (settings.estimateTokensIn ?? true);
  const signals: ToolCallSignals = createToolCallSignals(resolved);
  const successesListed: SuccessfulTrajectory[] | undefined =
    resolved.successfulTrajectories === 'list' ? [] : undefined;
  const failed: AnalysedFailure[] = [];
  let episodes = 0;
  let successes = 0;
  const perTask = new Map<string, { episodes: number; successes: number; successTurnsMax?: number }>();
  let estimatedTokensIn = 0;
  return {
    add(trajectory) {
      episodes += 1;
      if (estimate) estimatedTokensIn += estimateTrajectoryTokens(trajectory);
      const analysis = analyseTrajectory(trajectory, {
        signals,
        excerptChars: resolved.excerptChars,
        evidencePerTrajectory: resolved.evidencePerTrajectory,
      });
      const task = perTask.get(analysis.digest.taskId) ?? { episodes: 0, successes: 0 };
      task.episodes += 1;
      if (analysis.digest.success) {
        task.successes += 1;
        task.successTurnsMax = Math.max(task.successTurnsMax ?? 0, analysis.digest.turns);
      }
      perTask.set(analysis.digest.taskId, task);
      if (analysis.digest.success) {
        successes += 1;
        successesListed?.push(successfulTrajectory(analysis.digest));
      } else {
        failed.push(analysis);
      }
    },
    finish(tokensIn) {
      const digest: Digest = {
        schemaVersion: DIGEST_VERSION,
        cycleId: resolved.cycleId,
        harnessContentId: resolved.harnessContentId,
        episodes,
        successRate: episodes === 0 ? 0 : successes / episodes,
        tokens: { in: tokensIn ?? resolved.tokensIn ?? estimatedTokensIn, out: 0 },
        clusters: clusterFailures(failed),
        tasks: [...perTask.entries()]
          .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
          .map(([taskId, task]) => ({ taskId, ...task })),
        ...(successesListed === undefined ? {} : { successfulTrajectories: successesListed }),
        metaModel: { used: false },
      };
      // Our own output is checked against the artifact schema: a bug here must not reach plan.
      return digestArtifact.parse(withOutputTokens(digest), 'digest stage output');
    },
  };
}
