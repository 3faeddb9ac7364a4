/**
 * `turn-budget-exhausted` / `token-budget-exhausted`: a budget ran out (`budget-exhausted` event).
 * Token budgets are their own class (compaction fixes them); turn, tool-call and wall-clock budgets
 * all mean "too many steps" and share `turn-budget-exhausted`.
 */
import type { FailureAnalyser } from './failure-finding.ts';

const BUDGET_EVENT = 'budget-exhausted';

export const detectBudgetExhausted: FailureAnalyser = (facts) => {
  if (facts.trajectory.outcome !== 'budget-exhausted') return undefined;
  const event = facts.trajectory.events.find((candidate) => candidate.name === BUDGET_EVENT);
  const budget = event?.attributes['budget'];
  const turn = Math.min(event?.turn ?? facts.lastTurn, facts.lastTurn);
  return {
    failureClass: budget === 'tokens' ? 'token-budget-exhausted' : 'turn-budget-exhausted',
    turn,
    evidence: [
      event
        ? facts.evidence.event(event, facts.lastTurn)
        : facts.evidence.episode(turn, `budget exhausted after ${facts.trajectory.turns.length} turns`),
    ],
  };
};
