/**
 * `repeated-failed-action`: the same call (tool and canonical arguments) failed at least twice,
 * and the loop explains the ending: the agent was still stuck in it when the episode ended, or the
 * episode was stopped (a budget ran out, or a processor interrupted it). The turn is the repeat's (the second failure): where one failure became a loop.
 */
import type { FailureAnalyser } from './failure-finding.ts';
import { stepEvidence, type ToolStep } from './trajectory-facts.ts';

export const detectRepeatedFailedAction: FailureAnalyser = (facts) => {
  const byAction = new Map<string, ToolStep[]>();
  for (const step of facts.steps) {
    if (!step.failed || step.finishLike) continue;
    const failures = byAction.get(step.key);
    if (failures) failures.push(step);
    else byAction.set(step.key, [step]);
  }
  const stuckOn = new Set(facts.trailingFailures.map((step) => step.key));
  const budgetRanOut = facts.ending === 'stopped';
  let chosen: ToolStep[] | undefined;
  let chosenIsStuck = false;
  for (const [key, failures] of byAction) {
    if (failures.length < 2) continue;
    const isStuck = stuckOn.has(key);
    if (!isStuck && !budgetRanOut) continue;
    // Prefer the loop the agent was stuck in, then the longest; Map order keeps the earliest on a tie.
    const better =
      chosen === undefined ||
      (isStuck && !chosenIsStuck) ||
      (isStuck === chosenIsStuck && failures.length > chosen.length);
    if (better) {
      chosen = failures;
      chosenIsStuck = isStuck;
    }
  }
  if (chosen === undefined) return undefined;
  const repeat = chosen[1] as ToolStep;
  return {
    failureClass: 'repeated-failed-action',
    turn: repeat.turn,
    tool: repeat.call.name,
    evidence: stepEvidence(facts, chosen),
  };
};
