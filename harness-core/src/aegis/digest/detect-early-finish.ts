/**
 * `early-finish`: the agent ended the episode itself — a finish-like call (`FINISH_LIKE_TOOL_NAMES`),
 * a final text without tool calls, or a call after which the environment was done — while the task
 * was not solved. The turn is the ending one.
 */
import type { FailureAnalyser } from './failure-finding.ts';

export const detectEarlyFinish: FailureAnalyser = (facts) => {
  if (facts.ending !== 'agent') return undefined;
  const lastTurn = facts.trajectory.turns.at(-1);
  if (lastTurn === undefined) return undefined;
  const finishes = facts.steps.filter((step) => step.finishLike && step.turn === lastTurn.index);
  const ending = finishes.at(-1) ?? facts.steps.filter((step) => step.turn === lastTurn.index).at(-1);
  if (ending === undefined) {
    return {
      failureClass: 'early-finish',
      turn: lastTurn.index,
      evidence: [facts.evidence.modelCall(lastTurn.index, lastTurn.modelCall)],
    };
  }
  return {
    failureClass: 'early-finish',
    turn: ending.turn,
    tool: ending.call.name,
    evidence: [facts.evidence.toolCall(ending.turn, ending.call)],
  };
};
