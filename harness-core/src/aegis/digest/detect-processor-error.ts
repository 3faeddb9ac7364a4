/**
 * `processor-error`: a processor broke its hook contract or threw (`processor-error` events, or an
 * episode that ended on `PROCESSOR_CONTRACT`). The processor is the first one that failed.
 */
import type { FailureAnalyser } from './failure-finding.ts';
import { MAX_FINDING_EVIDENCE } from './trajectory-facts.ts';

const PROCESSOR_ERROR_EVENT = 'processor-error';
const PROCESSOR_CONTRACT_CODE = 'PROCESSOR_CONTRACT';

export const detectProcessorError: FailureAnalyser = (facts) => {
  const { trajectory } = facts;
  const events = trajectory.events.filter((event) => event.name === PROCESSOR_ERROR_EVENT);
  const fatal = trajectory.error?.type === PROCESSOR_CONTRACT_CODE ? trajectory.error : undefined;
  const first = events[0];
  if (first === undefined && fatal === undefined) return undefined;
  const processor = first?.attributes['processor.id'] ?? fatal?.message.match(/processor "([^"]+)"/)?.[1];
  const turn = first?.turn ?? facts.lastTurn;
  return {
    failureClass: 'processor-error',
    turn,
    ...(processor === undefined ? {} : { processor: String(processor) }),
    evidence:
      events.length > 0
        ? events.slice(0, MAX_FINDING_EVIDENCE).map((event) => facts.evidence.event(event, facts.lastTurn))
        : [facts.evidence.episode(turn, `${fatal?.type}: ${fatal?.message}`)],
  };
};
