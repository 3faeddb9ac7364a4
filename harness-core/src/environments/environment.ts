/**
 * The environment interface: a suite of tasks with fixed splits, and per-episode environments
 * that expose tools, execute calls and score the outcome.
 */
import type { ToolDefinition } from '../providers/model.ts';

export type Split = 'adaptation' | 'heldout';

export interface TaskSpec {
  readonly id: string;
  readonly suite: string;
  readonly split: Split;
  /** The instruction the agent receives as its first user message. */
  readonly instruction: string;
  /** Relative length/difficulty, 1 (short) and up; used for graded reporting. */
  readonly difficulty: number;
}

export interface ToolStepResult {
  content: string;
  isError: boolean;
}

export interface EpisodeScore {
  success: boolean;
  /** In [0, 1]: partial credit for goal conditions met. */
  reward: number;
  details?: Record<string, string | number | boolean>;
}

/** One running episode of one task: created by `Suite.reset`, used by one runtime loop. */
export interface EpisodeEnvironment {
  readonly tools: readonly ToolDefinition[];
  /** Executes one tool call with already-parsed JSON arguments. Invalid arguments give an error result. */
  step(call: { name: string; arguments: unknown }): Promise<ToolStepResult>;
  /** True once the episode is over from the environment's side (e.g. the agent called `finish`). */
  readonly done: boolean;
  score(): EpisodeScore;
}

export interface Suite {
  readonly id: string;
  readonly domain: string;
  tasks(split?: Split): readonly TaskSpec[];
  reset(task: TaskSpec, seed: number): EpisodeEnvironment;
}
