/**
 * What the failure analysers read from one trajectory, computed once: its tool calls in order with
 * their generic signals, the failures the agent was still stuck in when it ended, and how the
 * episode ended.
 */
import type { ToolCallRecord, Trajectory } from '../../trace/trajectory.ts';
import type { Evidence } from '../artifacts/digest.ts';
import { createEvidenceFactory, type EvidenceFactory } from './evidence.ts';
import { actionKey, type ToolCallSignals } from './tool-call-signals.ts';

export interface ToolStep {
  turn: number;
  call: ToolCallRecord;
  failed: boolean;
  argumentError: boolean;
  finishLike: boolean;
  /** The action: tool name and canonical arguments. */
  key: string;
}

/**
 * How the episode ended: the agent ended it (`agent`: a finish-like call or a final text), a
 * budget or a processor stopped it (`stopped`), it failed (`error`) or its caller cancelled it.
 */
export type EpisodeEnding = 'success' | 'agent' | 'stopped' | 'error' | 'aborted';

export interface TrajectoryFacts {
  readonly trajectory: Trajectory;
  readonly steps: readonly ToolStep[];
  /**
   * The failed calls after the last successful one (finish-like calls aside): what the agent was
   * still stuck on when the episode ended. Empty when its last action worked.
   */
  readonly trailingFailures: readonly ToolStep[];
  readonly ending: EpisodeEnding;
  /** Index of the last recorded turn (0 for an episode without turns). */
  readonly lastTurn: number;
  readonly evidence: EvidenceFactory;
}

/** Evidence spans a finding keeps; the digest may keep fewer per trajectory. */
export const MAX_FINDING_EVIDENCE = 3;

function endingOf(trajectory: Trajectory): EpisodeEnding {
  if (trajectory.success) return 'success';
  switch (trajectory.outcome) {
    case 'budget-exhausted':
    case 'interrupted':
      return 'stopped';
    case 'error':
      return 'error';
    case 'aborted':
      return 'aborted';
    default:
      return 'agent';
  }
}

export function collectTrajectoryFacts(
  trajectory: Trajectory,
  signals: ToolCallSignals,
  excerptChars: number,
): TrajectoryFacts {
  const steps: ToolStep[] = [];
  for (const turn of trajectory.turns) {
    for (const call of turn.toolCalls) {
      const failed = signals.isFailed(call);
      steps.push({
        turn: turn.index,
        call,
        failed,
        argumentError: failed && signals.isArgumentError(call),
        finishLike: signals.isFinishLike(call.name),
        key: actionKey(call),
      });
    }
  }
  const trailingFailures: ToolStep[] = [];
  for (let index = steps.length - 1; index >= 0; index--) {
    const step = steps[index] as ToolStep;
    if (step.finishLike) continue;
    if (!step.failed) break;
    trailingFailures.unshift(step);
  }
  return {
    trajectory,
    steps,
    trailingFailures,
    ending: endingOf(trajectory),
    lastTurn: Math.max(0, trajectory.turns.at(-1)?.index ?? 0),
    evidence: createEvidenceFactory(trajectory.traceId, trajectory.spanId, excerptChars),
  };
}

/** Evidence for the first `MAX_FINDING_EVIDENCE` of `steps`. */
export function stepEvidence(facts: TrajectoryFacts, steps: readonly ToolStep[]): Evidence[] {
  return steps.slice(0, MAX_FINDING_EVIDENCE).map((step) => facts.evidence.toolCall(step.turn, step.call));
}

/** The tool most of `steps` called (the earliest on a tie); `undefined` for no steps. */
export function modalTool(steps: readonly ToolStep[]): string | undefined {
  const counts = new Map<string, number>();
  let best: string | undefined;
  for (const step of steps) {
    const count = (counts.get(step.call.name) ?? 0) + 1;
    counts.set(step.call.name, count);
    if (best === undefined || count > (counts.get(best) ?? 0)) best = step.call.name;
  }
  return best;
}
