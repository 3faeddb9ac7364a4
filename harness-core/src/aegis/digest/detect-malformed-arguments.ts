/**
 * `malformed-arguments`: tool results (from the runtime, a processor or the tool itself) saying the
 * arguments were not valid JSON or did not match the tool's schema, when that explains the ending:
 * the agent was still failing on arguments at the end, or the episode was stopped (budget,
 * interrupt) after at least `MIN_WASTED_STEPS` such calls.
 */
import { type FailureAnalyser, MIN_WASTED_STEPS } from './failure-finding.ts';
import { modalTool, stepEvidence } from './trajectory-facts.ts';

export const detectMalformedArguments: FailureAnalyser = (facts) => {
  const stuck = facts.trailingFailures.filter((step) => step.argumentError);
  const all = facts.steps.filter((step) => step.argumentError && !step.finishLike);
  const steps =
    stuck.length > 0 ? stuck : facts.ending === 'stopped' && all.length >= MIN_WASTED_STEPS ? all : [];
  const first = steps[0];
  if (first === undefined) return undefined;
  const tool = modalTool(steps);
  return {
    failureClass: 'malformed-arguments',
    turn: first.turn,
    ...(tool === undefined ? {} : { tool }),
    evidence: stepEvidence(facts, steps),
  };
};
