/**
 * The critic's policy: run every check, give each failed check its severity, decide.
 * Any block → reject, with the reasons. Only warnings → `revise` on revision round 0, `pass` with
 * the warnings recorded on round 1 (a candidate gets at most one revision). Nothing → pass.
 */
import type { CriticCheck, CriticCheckId, Verdict } from '../artifacts/verdict.ts';
import { verdictArtifact } from '../artifacts/verdict.ts';
import { checkAnswerLeakage } from './check-answer-leakage.ts';
import { checkConstraintRelaxation } from './check-constraint-relaxation.ts';
import type { CheckFinding } from './check-finding.ts';
import { checkGainConcentration } from './check-gain-concentration.ts';
import { checkObservabilityRemoved } from './check-observability-removed.ts';
import { checkRewardSuccessDecoupling } from './check-reward-success-decoupling.ts';
import { checkVerificationRemoved } from './check-verification-removed.ts';
import { type CriticInput, validateCriticInput } from './critic-input.ts';
import { compareEvaluations } from './evaluation-comparison.ts';
import { builtinProcessorDimensions } from './removed-processors.ts';
import { specTextSurfaces } from './spec-text-surfaces.ts';

/** What a failed check weighs. Mechanism (the checks) stays apart from this policy. */
export const CRITIC_SEVERITIES: Readonly<Record<CriticCheckId, 'warn' | 'block'>> = {
  'reward-success-decoupling': 'block',
  'answer-leakage': 'block',
  'constraint-relaxation': 'block',
  'verification-removed': 'block',
  'observability-removed': 'block',
  'gain-concentration': 'warn',
};

const MAX_DETAIL = 2000;
const bounded = (text: string): string =>
  text.length <= MAX_DETAIL ? text : `${text.slice(0, MAX_DETAIL - 20)} … (truncated)`;

/** Runs every check; pure, in a fixed order. */
export function runCriticChecks(input: CriticInput): CheckFinding[] {
  const options = validateCriticInput(input);
  const dimensions = input.processorDimensions ?? builtinProcessorDimensions;
  const { candidate, parentSpec } = input;
  const comparison = compareEvaluations(input.currentEvaluation, input.candidateEvaluation);
  return [
    checkRewardSuccessDecoupling(comparison, options),
    checkAnswerLeakage(
      specTextSurfaces(candidate.spec),
      specTextSurfaces(parentSpec),
      input.leakageCorpus,
      options.minAnswerLength,
    ),
    checkConstraintRelaxation(parentSpec, candidate.spec, options.safetyProcessors),
    checkVerificationRemoved(parentSpec, candidate.spec, dimensions),
    checkObservabilityRemoved(parentSpec, candidate.spec, dimensions),
    checkGainConcentration(comparison.tasks, options.concentrationShare),
  ];
}

/**
 * Judges one candidate. The revision round is the candidate's own (`candidate.revision`).
 * @throws InputError when an evaluation is of the held-out split or of another version.
 * @example
 * const verdict = judgeCandidate({ candidate, parentSpec, candidateEvaluation, currentEvaluation,
 *   leakageCorpus: deps.leakageCorpus });
 * if (verdict.decision === 'revise') candidate = await evolve.revise(candidate, verdict.reasons);
 */
export function judgeCandidate(
  input: CriticInput,
  severities: Readonly<Record<CriticCheckId, 'warn' | 'block'>> = CRITIC_SEVERITIES,
): Verdict {
  const findings = runCriticChecks(input);
  const checks: CriticCheck[] = findings.map((finding) => ({
    id: finding.id,
    passed: finding.passed,
    severity: finding.passed ? 'info' : severities[finding.id],
    detail: bounded(finding.detail),
  }));
  const blocks = checks.filter((check) => check.severity === 'block');
  const warnings = checks.filter((check) => check.severity === 'warn');
  const round = input.candidate.revision;
  let decision: Verdict['decision'] = 'pass';
  let reasons: string[] = [];
  if (blocks.length > 0) {
    decision = 'reject';
    reasons = blocks.map((check) => `${check.id}: ${check.detail}`);
  } else if (warnings.length > 0 && round === 0) {
    decision = 'revise';
    reasons = warnings.map((check) => `${check.id}: ${check.detail}`);
  } else if (warnings.length > 0) {
    reasons = warnings.map((check) => `warning kept after the revision round: ${check.id}: ${check.detail}`);
  }
  return verdictArtifact.parse(
    {
      schemaVersion: 'harnessx.verdict/1',
      cycleId: input.candidate.cycleId,
      candidateId: input.candidate.candidateId,
      decision,
      checks,
      reasons,
      revisionRound: round,
    },
    'judgeCandidate',
  );
}
