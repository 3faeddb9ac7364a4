/**
 * The deterministic gate: six rules in order, every one recorded with its inputs and outcome; after
 * the first failure the rest are recorded as skipped. Accepted only when all six pass. Same inputs,
 * same decision: every number is derived from integer counts in task-id order, and the only
 * effects (build, held-out evaluation) are injected.
 */
import { InputError } from '../../errors.ts';
import { candidateArtifact } from '../artifacts/candidate.ts';
import { type GateDecision, type GateRuleResult, gateDecisionArtifact } from '../artifacts/gate-decision.ts';
import { boundedDetail, createGateContext, type GateRuleTable } from './gate-context.ts';
import { type GateInput, validateGateInput } from './gate-input.ts';
import { checkBuildAndSmoke } from './rule-build-and-smoke.ts';
import { checkCanonicalForm } from './rule-canonical-form.ts';
import { checkNoHeldoutRegression, checkNotBelowBestAccepted } from './rule-heldout.ts';
import { checkManifestComplete } from './rule-manifest-complete.ts';
import { checkNoSolvedTaskRegression } from './rule-no-solved-task-regression.ts';

/** The rules in the order the gate applies them (DESIGN §6, step 6). */
export const GATE_RULE_TABLE: GateRuleTable = [
  ['manifest-complete', checkManifestComplete],
  ['canonical-form', checkCanonicalForm],
  ['build-and-smoke', checkBuildAndSmoke],
  ['no-solved-task-regression', checkNoSolvedTaskRegression],
  ['no-heldout-regression', checkNoHeldoutRegression],
  ['not-below-best-accepted', checkNotBelowBestAccepted],
];

/**
 * Decides whether a candidate replaces the current version.
 * @throws InputError when the input is inconsistent (wrong split, another version's evaluation,
 *   a replicate on the same seeds, missing tasks): a pipeline bug, never a candidate's fault.
 * @example
 * const decision = await decideGate({
 *   cycleId, candidate, parentSpec: currentSpec, currentContentId,
 *   build: (spec) => deps.build(spec),
 *   evaluations: { currentAdaptation, currentReplicate, candidateAdaptation, currentHeldout,
 *                  candidateHeldout: () => evaluateOnHeldout(candidate) },
 *   bestAccepted,
 * });
 * if (decision.accepted) await publish(candidate);
 */
export async function decideGate(input: GateInput): Promise<GateDecision> {
  const options = validateGateInput(input);
  const structure = candidateArtifact.safeParse(input.candidate, 'decideGate');
  if (!structure.success) {
    throw new InputError(
      'gate input',
      'decideGate',
      structure.error.issues.map((issue) => ({ path: `candidate.${issue.path}`, message: issue.message })),
    );
  }
  const context = createGateContext(input, options);
  const rules: GateRuleResult[] = [];
  let failed: string | undefined;
  for (const [rule, check] of GATE_RULE_TABLE) {
    if (failed !== undefined) {
      rules.push({ rule, outcome: 'skipped', inputs: {}, detail: `skipped: ${failed} failed` });
      continue;
    }
    const result = await check(context);
    rules.push({
      rule,
      outcome: result.outcome,
      inputs: result.inputs,
      detail: boundedDetail(result.detail),
    });
    if (result.outcome === 'fail') failed = rule;
  }
  return gateDecisionArtifact.parse(
    {
      schemaVersion: 'harnessx.gate/1',
      cycleId: input.cycleId,
      candidateId: input.candidate.candidateId,
      candidateContentId: input.candidate.contentId,
      currentContentId: input.currentContentId,
      accepted: failed === undefined,
      rules,
    },
    'decideGate',
  );
}

/** The failed rule and its detail, for a rejection's reasons; empty when accepted. */
export function gateRejectionReasons(decision: GateDecision): string[] {
  return decision.rules
    .filter((result) => result.outcome === 'fail')
    .map((result) => `${result.rule}: ${result.detail}`);
}
