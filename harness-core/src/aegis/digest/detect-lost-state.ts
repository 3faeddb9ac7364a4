/**
 * `lost-state`: the agent repeated a successful call and got the very same observation back:
 * it re-explored what it had already seen, having lost track of it. Reported when the episode was
 * stopped (budget, interrupt) after at least `MIN_WASTED_STEPS` such re-observations (re-exploring
 * is what spends budgets; in an episode the agent ended itself, the premature ending is nearer
 * the cause).
 */
import { type FailureAnalyser, MIN_WASTED_STEPS } from './failure-finding.ts';
import { modalTool, stepEvidence, type ToolStep } from './trajectory-facts.ts';

export const detectLostState: FailureAnalyser = (facts) => {
  if (facts.ending !== 'stopped') return undefined;
  const seen = new Set<string>();
  const repeats: ToolStep[] = [];
  for (const step of facts.steps) {
    if (step.failed || step.finishLike) continue;
    const observation = `${step.key}\u0000${step.call.result}`;
    if (seen.has(observation)) repeats.push(step);
    else seen.add(observation);
  }
  const first = repeats[0];
  if (first === undefined || repeats.length < MIN_WASTED_STEPS) return undefined;
  const tool = modalTool(repeats);
  return {
    failureClass: 'lost-state',
    turn: first.turn,
    ...(tool === undefined ? {} : { tool }),
    evidence: stepEvidence(facts, repeats),
  };
};
