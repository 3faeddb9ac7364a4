/** What one failure analyser reports about one trajectory. */
import type { FailureClass } from '../artifacts/common.ts';
import type { Evidence } from '../artifacts/digest.ts';
import type { TrajectoryFacts } from './trajectory-facts.ts';

export interface FailureFinding {
  failureClass: Exclude<FailureClass, 'none'>;
  /** The turn where it went wrong. */
  turn?: number;
  tool?: string;
  processor?: string;
  /** At most `MAX_FINDING_EVIDENCE` spans, in trace order. */
  evidence: Evidence[];
}

/**
 * A deterministic analyser: reports its failure class only when its signal explains why the
 * episode failed (each analyser documents its condition), else `undefined`.
 */
export type FailureAnalyser = (facts: TrajectoryFacts) => FailureFinding | undefined;

/**
 * Steps one signal must waste before it explains a budget that ran out: a single slip does not
 * exhaust a budget, a pattern does.
 */
export const MIN_WASTED_STEPS = 2;
