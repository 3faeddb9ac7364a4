/**
 * `model-error`: the episode ended in an error while the model was failing: the last model calls
 * recorded an error (provider failure, unusable response). The turn is the first of that streak.
 */
import type { Turn } from '../../trace/trajectory.ts';
import type { FailureAnalyser } from './failure-finding.ts';
import { MAX_FINDING_EVIDENCE } from './trajectory-facts.ts';

export const detectModelError: FailureAnalyser = (facts) => {
  if (facts.ending !== 'error') return undefined;
  const failing: Turn[] = [];
  const turns = facts.trajectory.turns;
  for (let index = turns.length - 1; index >= 0; index--) {
    const turn = turns[index] as Turn;
    if (turn.modelCall.error === undefined) break;
    failing.unshift(turn);
  }
  const first = failing[0];
  if (first === undefined) return undefined;
  return {
    failureClass: 'model-error',
    turn: first.index,
    evidence: failing
      .slice(0, MAX_FINDING_EVIDENCE)
      .map((turn) => facts.evidence.modelCall(turn.index, turn.modelCall)),
  };
};
