/**
 * Per-trajectory digest: outcome, failure class (by `FAILURE_PRECEDENCE` when several apply), the
 * turn where it went wrong, the tool or processor involved and evidence spans.
 */
import type { Trajectory } from '../../trace/trajectory.ts';
import type { Evidence, TrajectoryDigest } from '../artifacts/digest.ts';
import { detectAborted } from './detect-aborted.ts';
import { detectBudgetExhausted } from './detect-budget-exhausted.ts';
import { detectEarlyFinish } from './detect-early-finish.ts';
import { detectInvalidAction } from './detect-invalid-action.ts';
import { detectLostState } from './detect-lost-state.ts';
import { detectMalformedArguments } from './detect-malformed-arguments.ts';
import { detectModelError } from './detect-model-error.ts';
import { detectProcessorError } from './detect-processor-error.ts';
import { detectRepeatedFailedAction } from './detect-repeated-failed-action.ts';
import { detectUnknown } from './detect-unknown.ts';
import type { FailureAnalyser, FailureFinding } from './failure-finding.ts';
import { pickByPrecedence } from './failure-precedence.ts';
import type { ToolCallSignals } from './tool-call-signals.ts';
import { collectTrajectoryFacts } from './trajectory-facts.ts';

/** Every analyser; their order does not matter, `FAILURE_PRECEDENCE` decides. */
export const FAILURE_ANALYSERS: readonly FailureAnalyser[] = [
  detectAborted,
  detectModelError,
  detectProcessorError,
  detectRepeatedFailedAction,
  detectMalformedArguments,
  detectLostState,
  detectInvalidAction,
  detectBudgetExhausted,
  detectEarlyFinish,
  detectUnknown,
];

/** Used for a trajectory without a task id (foreign traces): the schema needs a non-empty id. */
export const UNKNOWN_TASK_ID = '(unknown task)';

export interface TrajectoryAnalysis {
  digest: TrajectoryDigest;
  /** Every evidence span of the chosen finding (the digest entry may keep fewer). */
  evidence: Evidence[];
}

export interface AnalyseTrajectoryOptions {
  signals: ToolCallSignals;
  excerptChars: number;
  evidencePerTrajectory: number;
}

function clampReward(reward: number): number {
  return Number.isFinite(reward) ? Math.min(1, Math.max(0, reward)) : 0;
}

/** All findings that apply, for tests and explanations; `analyseTrajectory` keeps the nearest. */
export function findFailures(trajectory: Trajectory, options: AnalyseTrajectoryOptions): FailureFinding[] {
  const facts = collectTrajectoryFacts(trajectory, options.signals, options.excerptChars);
  if (facts.ending === 'success') return [];
  return FAILURE_ANALYSERS.map((analyse) => analyse(facts)).filter(
    (finding): finding is FailureFinding => finding !== undefined,
  );
}

export function analyseTrajectory(
  trajectory: Trajectory,
  options: AnalyseTrajectoryOptions,
): TrajectoryAnalysis {
  const base = {
    traceId: trajectory.traceId,
    taskId: trajectory.taskId || UNKNOWN_TASK_ID,
    outcome: trajectory.outcome,
    success: trajectory.success,
    reward: clampReward(trajectory.reward),
    turns: trajectory.turns.length,
  };
  const finding = pickByPrecedence(findFailures(trajectory, options));
  if (finding === undefined) return { digest: { ...base, failureClass: 'none', evidence: [] }, evidence: [] };
  return {
    digest: {
      ...base,
      failureClass: finding.failureClass,
      ...(finding.turn === undefined ? {} : { turn: finding.turn }),
      ...(finding.tool === undefined ? {} : { tool: finding.tool }),
      ...(finding.processor === undefined ? {} : { processor: finding.processor }),
      evidence: finding.evidence.slice(0, options.evidencePerTrajectory),
    },
    evidence: finding.evidence,
  };
}
