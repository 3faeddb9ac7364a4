/** `aborted`: the episode's caller cancelled it (its AbortSignal fired). */
import type { FailureAnalyser } from './failure-finding.ts';

export const detectAborted: FailureAnalyser = (facts) => {
  if (facts.ending !== 'aborted') return undefined;
  const error = facts.trajectory.error;
  const text = error ? `aborted: ${error.type}: ${error.message}` : 'aborted by its caller';
  return {
    failureClass: 'aborted',
    turn: facts.lastTurn,
    evidence: [facts.evidence.episode(facts.lastTurn, text)],
  };
};
