/**
 * Which catalogue edits address which failure class: the plan's knowledge, as data.
 *
 * | failure class            | lever (edit)                                                       |
 * |--------------------------|--------------------------------------------------------------------|
 * | early-finish             | verification (add verify-before-finish); prompt: check conditions  |
 * | malformed-arguments      | tool-use (add tool-argument-repair); prompt: exact JSON arguments  |
 * | repeated-failed-action   | control-flow-safety (loop-guard); verification (failure-reflection); prompt |
 * | lost-state               | memory (state-tracker-memory via set-memory; goal-pin); context-compaction |
 * | turn-budget-exhausted    | control-flow-safety (plan-first); context-compaction; execution-limits (budget-guard) |
 * | token-budget-exhausted   | context-compaction (set-compaction; tool-result-truncation); execution-limits (budget-guard) |
 * | invalid-action           | verification (failure-reflection); tool-use (enable the cluster's tool when disabled); prompt |
 * | model-error              | model-routing (model-fallback, only with a fallback model); tool-use (tool-retry) |
 * | processor-error          | the failing processor's own lever (remove it)                      |
 * | unknown                  | observability (turn-observer, so the next digest can locate it)    |
 * | aborted                  | nothing: the caller stopped the episode                            |
 *
 * `weight` is the prior that the edit removes failures of that class when it is missing; the
 * first entry of a class is its primary fix. No entry raises a budget: a budget-exhausted cluster
 * is answered with efficiency (planning, compaction, warnings), never with more budget.
 */
import type { FailureClass } from '../artifacts/common.ts';
import type { Hypothesis } from '../artifacts/plan.ts';

type Lever = Hypothesis['lever'];

/** Add (or, when present, re-configure) one built-in processor. */
export interface ProcessorRecipe {
  readonly type: 'processor';
  readonly lever: Lever;
  readonly weight: number;
  readonly processor: string;
  /** Option overrides proposed when the processor is already present (see `reconfiguration`). */
  readonly reconfigureFor?: 'state' | 'budget';
  readonly why: string;
}

/** Append general guidance to the system prompt. */
export interface PromptRecipe {
  readonly type: 'prompt';
  readonly lever: Lever;
  readonly weight: number;
  readonly text: string;
  readonly why: string;
}

/** Enable the tool the cluster failed at, when the harness has disabled it. */
export interface EnableToolRecipe {
  readonly type: 'enable-cluster-tool';
  readonly lever: Lever;
  readonly weight: number;
  readonly why: string;
}

/** Remove the processor the cluster's episodes failed in (its own dimension is the lever). */
export interface RemoveFailingProcessorRecipe {
  readonly type: 'remove-failing-processor';
  readonly weight: number;
  readonly why: string;
}

export type EditRecipe = ProcessorRecipe | PromptRecipe | EnableToolRecipe | RemoveFailingProcessorRecipe;

const processor = (
  lever: Lever,
  id: string,
  weight: number,
  why: string,
  reconfigureFor?: ProcessorRecipe['reconfigureFor'],
): ProcessorRecipe => ({
  type: 'processor',
  lever,
  processor: id,
  weight,
  why,
  ...(reconfigureFor ? { reconfigureFor } : {}),
});

const prompt = (lever: Lever, text: string, why: string): PromptRecipe => ({
  type: 'prompt',
  lever,
  weight: 0.5,
  text,
  why,
});

/** The edit recipes per failure class, primary fix first. */
export const FAILURE_EDIT_TABLE: Readonly<Record<Exclude<FailureClass, 'none'>, readonly EditRecipe[]>> = {
  'early-finish': [
    processor(
      'verification',
      'verify-before-finish',
      1,
      'episodes end with a goal condition unmet; a check request before finishing makes the model compare each condition with what it observed',
    ),
    prompt(
      'verification',
      'Before you call finish, check each condition of the task, one by one, against what you have actually observed.',
      'the same check, as standing guidance in the system prompt',
    ),
  ],
  'malformed-arguments': [
    processor(
      'tool-use',
      'tool-argument-repair',
      1,
      'tool arguments are malformed; repairing unambiguous JSON and answering the rest with the expected shape lets the call run or be corrected',
    ),
    prompt(
      'tool-use',
      'Give tool arguments as one valid JSON object that uses exactly the parameter names the tool declares.',
      'states the argument format the model keeps breaking',
    ),
  ],
  'repeated-failed-action': [
    processor(
      'control-flow-safety',
      'loop-guard',
      1,
      'the same failing call is repeated; a loop guard tells the model it failed repeatedly and to try something else',
    ),
    processor(
      'verification',
      'failure-reflection',
      0.85,
      'a bare failure message says nothing about why; a reflection lists what to check before retrying',
    ),
    prompt(
      'control-flow-safety',
      'If an action fails, do not repeat it unchanged: check the current state and try something else.',
      'standing guidance against retrying a failed action unchanged',
    ),
  ],
  'lost-state': [
    processor(
      'memory',
      'state-tracker-memory',
      1,
      'the model acts on forgotten observations; restating the latest observations near the end of the context keeps them in reach',
      'state',
    ),
    processor(
      'memory',
      'goal-pin',
      0.85,
      'the goal drifts out of view in long episodes; pinning it in the system prompt keeps it there',
    ),
    processor(
      'context-compaction',
      'context-compaction',
      0.7,
      'old tool output crowds the context; compaction keeps the recent turns and the task in view',
      'state',
    ),
  ],
  'turn-budget-exhausted': [
    processor(
      'control-flow-safety',
      'plan-first',
      0.9,
      'episodes run out of turns; a plan restated every turn keeps the remaining steps in view and cuts detours',
    ),
    processor(
      'context-compaction',
      'context-compaction',
      0.7,
      'long contexts slow the model down on long tasks; compaction keeps what matters recent',
      'budget',
    ),
    processor(
      'execution-limits',
      'budget-guard',
      0.6,
      'the model does not know its budget; a warning when few turns are left makes it finish in time',
      'budget',
    ),
  ],
  'token-budget-exhausted': [
    processor(
      'context-compaction',
      'context-compaction',
      0.9,
      'episodes run out of tokens; compaction stubs old tool output',
      'budget',
    ),
    processor(
      'context-compaction',
      'tool-result-truncation',
      0.8,
      'large tool results fill the context; truncation keeps their head and tail',
      'budget',
    ),
    processor(
      'execution-limits',
      'budget-guard',
      0.6,
      'a warning before the token budget runs out, and an interrupt before a request overruns it',
      'budget',
    ),
  ],
  'invalid-action': [
    processor(
      'verification',
      'failure-reflection',
      1,
      'actions are rejected as invalid; a reflection lists what to check before the next attempt',
    ),
    {
      type: 'enable-cluster-tool',
      lever: 'tool-use',
      weight: 0.9,
      why: 'the failing calls go to a tool the harness has disabled',
    },
    prompt(
      'tool-use',
      'Use only the tools you are given, with the exact names of things as you have observed them.',
      'standing guidance on valid actions',
    ),
  ],
  'model-error': [
    processor(
      'model-routing',
      'model-fallback',
      1,
      'model calls fail; routing to the configured fallback model keeps the episode going',
    ),
    processor(
      'tool-use',
      'tool-retry',
      0.6,
      'transient failures end episodes; retrying them with backoff hides the blip',
    ),
  ],
  'processor-error': [
    {
      type: 'remove-failing-processor',
      weight: 1,
      why: 'a processor fails in these episodes; removing it restores the plain loop at that step',
    },
  ],
  unknown: [
    processor(
      'observability',
      'turn-observer',
      0.5,
      'failures the digest cannot locate; per-turn signals let the next digest place them',
    ),
  ],
  aborted: [],
};
