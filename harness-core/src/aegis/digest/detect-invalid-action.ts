/**
 * `invalid-action`: calls the environment (or a processor guarding it) refused for reasons other
 * than their arguments — an impossible action (`Nothing happens.`), an unknown tool, a denied
 * call — when that explains the ending: the agent's last actions failed, or the episode was
 * stopped (budget, interrupt) after at least `MIN_WASTED_STEPS` of them.
 */
import { type FailureAnalyser, MIN_WASTED_STEPS } from './failure-finding.ts';
import { modalTool, stepEvidence, type TrajectoryFacts } from './trajectory-facts.ts';

/** The processor that answered a call in place of the tool, from its `processor-outcome` event. */
function interceptingProcessor(facts: TrajectoryFacts, turn: number): string | undefined {
  const event = facts.trajectory.events.find(
    (candidate) =>
      candidate.name === 'processor-outcome' &&
      candidate.turn === turn &&
      candidate.attributes['outcome'] === 'intercept',
  );
  const id = event?.attributes['processor.id'];
  return id === undefined ? undefined : String(id);
}

export const detectInvalidAction: FailureAnalyser = (facts) => {
  const isInvalid = (step: { failed: boolean; argumentError: boolean; finishLike: boolean }) =>
    step.failed && !step.argumentError && !step.finishLike;
  const stuck = facts.trailingFailures.filter(isInvalid);
  const all = facts.steps.filter(isInvalid);
  const steps =
    stuck.length > 0 ? stuck : facts.ending === 'stopped' && all.length >= MIN_WASTED_STEPS ? all : [];
  const first = steps[0];
  if (first === undefined) return undefined;
  const tool = modalTool(steps);
  const processor =
    first.call.resultSource === 'processor' ? interceptingProcessor(facts, first.turn) : undefined;
  return {
    failureClass: 'invalid-action',
    turn: first.turn,
    ...(tool === undefined ? {} : { tool }),
    ...(processor === undefined ? {} : { processor }),
    evidence: stepEvidence(facts, steps),
  };
};
