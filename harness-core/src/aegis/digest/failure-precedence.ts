/**
 * Which failure class a trajectory gets when several analysers report one: the one nearest the
 * cause. The order reads from "the run could not go on" to "the run went on, then ended badly":
 *
 * 1. `aborted`: the caller stopped the episode; nothing inside it is the cause.
 * 2. `model-error`: the episode ended because the model kept failing to answer.
 * 3. `processor-error`: a processor broke its contract or threw; the harness itself misbehaved, and
 *    what the model saw afterwards was not what the harness meant to show it.
 * 4. `repeated-failed-action`: the agent repeated a failing call; a loop is what exhausts budgets
 *    and makes agents give up, so it sits before the symptoms it produces.
 * 5. `malformed-arguments`: calls failed on their arguments, not on the world.
 * 6. `lost-state`: the agent re-observed what it had already seen; forgotten state is what leads
 *    to the impossible actions below.
 * 7. `invalid-action`: the world refused the agent's actions.
 * 8. `turn-budget-exhausted`, 9. `token-budget-exhausted`: a budget ran out while the agent was
 *    making progress (none of the above explains the waste).
 * 10. `early-finish`: the agent ended the episode, unstuck and unsolved.
 * 11. `unknown`: failed, and no analyser can say why.
 *
 * The analysers only report a process signal (4-7) when it explains the ending: the agent was
 * still stuck in it when the episode ended, or the episode was stopped (a budget ran out or a
 * processor interrupted it) and the signal wasted at least `MIN_WASTED_STEPS` steps (a loop
 * always has: the failure and its repeat). A failure the agent recovered from, in an episode it then ended
 * itself, is not the cause: the premature ending is.
 */
import type { FailureClass } from '../artifacts/common.ts';
import type { FailureFinding } from './failure-finding.ts';

export const FAILURE_PRECEDENCE: readonly Exclude<FailureClass, 'none'>[] = [
  'aborted',
  'model-error',
  'processor-error',
  'repeated-failed-action',
  'malformed-arguments',
  'lost-state',
  'invalid-action',
  'turn-budget-exhausted',
  'token-budget-exhausted',
  'early-finish',
  'unknown',
];

const RANK = new Map(FAILURE_PRECEDENCE.map((failureClass, index) => [failureClass, index]));

/** The finding nearest the cause; `undefined` only when there is none. */
export function pickByPrecedence(findings: readonly FailureFinding[]): FailureFinding | undefined {
  let best: FailureFinding | undefined;
  for (const finding of findings) {
    if (best === undefined || (RANK.get(finding.failureClass) ?? 99) < (RANK.get(best.failureClass) ?? 99))
      best = finding;
  }
  return best;
}
