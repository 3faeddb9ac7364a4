/**
 * `unknown`: the episode failed and no other analyser can say why (e.g. a processor interrupted
 * it, or a foreign trace lacks the signals). The interrupting processor is named when there is one.
 */
import type { FailureAnalyser } from './failure-finding.ts';

export const detectUnknown: FailureAnalyser = (facts) => {
  if (facts.ending === 'success') return undefined;
  const { trajectory, lastTurn } = facts;
  const interrupt = trajectory.events.find((event) => event.name === 'episode-interrupted');
  const processor = interrupt?.attributes['processor.id'];
  const lastModelCall = trajectory.turns.at(-1)?.modelCall;
  const evidence = interrupt
    ? facts.evidence.event(interrupt, lastTurn)
    : trajectory.error
      ? facts.evidence.episode(lastTurn, `${trajectory.error.type}: ${trajectory.error.message}`)
      : lastModelCall
        ? facts.evidence.modelCall(lastTurn, lastModelCall)
        : facts.evidence.episode(lastTurn, `outcome ${trajectory.outcome}`);
  return {
    failureClass: 'unknown',
    turn: lastTurn,
    ...(processor === undefined ? {} : { processor: String(processor) }),
    evidence: [evidence],
  };
};
