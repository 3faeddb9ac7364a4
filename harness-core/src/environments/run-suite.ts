/**
 * Scores a harness on a suite split: every task with `k` rollouts (seeded per task and rollout),
 * through a bounded pool, with per-task success rate, mean reward and steps.
 */

import { harnessContentId } from '../harness/canonical.ts';
import type { ResolvedProcessor } from '../harness/registry.ts';
import type { HarnessSpec } from '../harness/spec.ts';
import type { ModelV1 } from '../providers/model.ts';
import { hashString } from '../random.ts';
import { type EpisodeResult, runEpisode } from '../runtime/run-episode.ts';
import type { Trajectory } from '../trace/trajectory.ts';
import type { Split, Suite, TaskSpec } from './environment.ts';
import { mapWithConcurrency } from './pool.ts';

export interface RunSuiteOptions {
  suite: Suite;
  split: Split;
  harness: HarnessSpec;
  processors: readonly ResolvedProcessor[];
  model: ModelV1;
  fallbackModel?: ModelV1;
  k: number;
  concurrency?: number;
  /** Base seed; each rollout's seed derives from it, the task id and the rollout index. */
  seed?: number;
  /** Restrict to these task ids (in suite order). */
  taskIds?: readonly string[];
  signal?: AbortSignal;
  strict?: boolean;
  /** Called once per finished episode, e.g. to stream its trace to disk. */
  onEpisode?: (trajectory: Trajectory, result: EpisodeResult) => void | Promise<void>;
  onProgress?: (progress: { done: number; total: number; successes: number }) => void;
}

export interface RolloutScore {
  seed: number;
  outcome: string;
  success: boolean;
  reward: number;
  steps: number;
  traceId: string;
}

export interface TaskScore {
  taskId: string;
  difficulty: number;
  rollouts: RolloutScore[];
  successRate: number;
  meanReward: number;
  meanSteps: number;
}

export interface SuiteScore {
  suite: string;
  split: Split;
  harness: { name: string; contentId: string };
  k: number;
  tasks: TaskScore[];
  successRate: number;
  meanReward: number;
  tokens: { input: number; output: number; costUsd: number };
}

export function rolloutSeed(baseSeed: number, taskId: string, rollout: number): number {
  return hashString(`${baseSeed}:${taskId}:${rollout}`);
}

export async function runSuite(options: RunSuiteOptions): Promise<SuiteScore> {
  const { suite, split, harness, k } = options;
  const contentId = harnessContentId(harness);
  let tasks: readonly TaskSpec[] = suite.tasks(split);
  if (options.taskIds) {
    const wanted = new Set(options.taskIds);
    tasks = tasks.filter((task) => wanted.has(task.id));
  }
  const jobs = tasks.flatMap((task) => Array.from({ length: k }, (_, rollout) => ({ task, rollout })));
  const tokens = { input: 0, output: 0, costUsd: 0 };
  let done = 0;
  let successes = 0;
  const results = await mapWithConcurrency(jobs, options.concurrency ?? 4, async ({ task, rollout }) => {
    const seed = rolloutSeed(options.seed ?? 0, task.id, rollout);
    const result = await runEpisode({
      harness,
      harnessContentId: contentId,
      processors: options.processors,
      environment: suite.reset(task, seed),
      task,
      model: options.model,
      ...(options.fallbackModel ? { fallbackModel: options.fallbackModel } : {}),
      seed,
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.strict === undefined ? {} : { strict: options.strict }),
    });
    tokens.input += result.usage.inputTokens;
    tokens.output += result.usage.outputTokens;
    tokens.costUsd += result.usage.costUsd;
    await options.onEpisode?.(result.trajectory, result);
    done += 1;
    if (result.success) successes += 1;
    options.onProgress?.({ done, total: jobs.length, successes });
    return {
      seed,
      outcome: result.outcome,
      success: result.success,
      reward: result.reward,
      steps: result.usage.toolCalls,
      traceId: result.trajectory.traceId,
    } satisfies RolloutScore;
  });
  const taskScores = tasks.map((task, index) => {
    const rollouts = results.slice(index * k, index * k + k);
    return {
      taskId: task.id,
      difficulty: task.difficulty,
      rollouts,
      successRate: mean(rollouts.map((r) => (r.success ? 1 : 0))),
      meanReward: mean(rollouts.map((r) => r.reward)),
      meanSteps: mean(rollouts.map((r) => r.steps)),
    };
  });
  return {
    suite: suite.id,
    split,
    harness: { name: harness.name, contentId },
    k,
    tasks: taskScores,
    successRate: mean(taskScores.map((t) => t.successRate)),
    meanReward: mean(taskScores.map((t) => t.meanReward)),
    tokens,
  };
}

function mean(values: readonly number[]): number {
  return values.length === 0 ? 0 : values.reduce((sum, value) => sum + value, 0) / values.length;
}
