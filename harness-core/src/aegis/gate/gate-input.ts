/**
 * What the gate decides on, and the checks that the pieces belong together. Everything with an
 * effect (building, smoke-testing, evaluating the held-out split) is injected, so the gate itself
 * stays deterministic and imports no provider, model, runtime or sandbox.
 */
import { z } from 'zod';
import { InputError, type InputIssue } from '../../errors.ts';
import { harnessContentId } from '../../harness/canonical.ts';
import type { HarnessSpec } from '../../harness/spec.ts';
import { formatIssuePath } from '../../schema.ts';
import type { Candidate } from '../artifacts/candidate.ts';
import { contentIdSchema, cycleIdSchema } from '../artifacts/common.ts';
import { type Evaluation, evaluationArtifact } from '../artifacts/evaluation.ts';

/** What the injected build returns: the pipeline resolves processors and smoke-tests code ones. */
export interface GateBuildResult {
  ok: boolean;
  errors: string[];
}

export type GateBuild = (spec: HarnessSpec) => GateBuildResult | Promise<GateBuildResult>;

export interface GateEvaluations {
  /** The current version on the adaptation split. */
  currentAdaptation: Evaluation;
  /** The current version again on the same tasks with other seeds: the noise floor. */
  currentReplicate: Evaluation;
  candidateAdaptation: Evaluation;
  currentHeldout: Evaluation;
  /**
   * The candidate on the held-out split, or a function that runs it: the gate calls it only when
   * rules 1–4 passed, so a candidate rejected early costs no held-out rollouts.
   */
  candidateHeldout: Evaluation | (() => Promise<Evaluation>);
}

export const bestAcceptedSchema = z
  .object({
    contentId: contentIdSchema,
    heldoutSuccesses: z.number().int().nonnegative(),
    heldoutRollouts: z.number().int().positive(),
  })
  .strict()
  .refine((best) => best.heldoutSuccesses <= best.heldoutRollouts, {
    message: 'expected heldoutSuccesses ≤ heldoutRollouts',
    path: ['heldoutSuccesses'],
  });

/** The best held-out score of any version ever accepted (the baseline counts as accepted). */
export type BestAcceptedVersion = z.output<typeof bestAcceptedSchema>;

export const gateOptionsSchema = z
  .object({
    /** Family-wise error rate of the per-task regression tests, Holm-corrected across solved tasks. */
    regressionAlpha: z.number().gt(0).lt(1).default(0.05),
    /** One-sided normal quantile of the held-out margins: 1.6449 is 95 %. */
    heldoutZ: z.number().nonnegative().default(1.6449),
    /** A task is solved when its successes reach ceil(solvedFraction × rollouts): half, by default. */
    solvedFraction: z.number().gt(0).max(1).default(0.5),
  })
  .strict();

export type GateOptions = z.output<typeof gateOptionsSchema>;

export interface GateInput {
  cycleId: string;
  candidate: Candidate;
  /** The current version's spec: the candidate's parent. */
  parentSpec: HarnessSpec;
  currentContentId: string;
  build: GateBuild;
  evaluations: GateEvaluations;
  /** Absent until a version besides the current one was accepted: the current held-out then stands in. */
  bestAccepted?: BestAcceptedVersion;
  options?: z.input<typeof gateOptionsSchema>;
}

const SOURCE = 'decideGate';

function prefixed(prefix: string, issues: readonly InputIssue[]): InputIssue[] {
  return issues.map((issue) => ({
    path: issue.path ? `${prefix}.${issue.path}` : prefix,
    message: issue.message,
  }));
}

function checkEvaluation(
  name: keyof GateEvaluations,
  value: unknown,
  split: 'adaptation' | 'heldout',
  contentId: string | undefined,
  issues: InputIssue[],
): void {
  const path = `evaluations.${name}`;
  const parsed = evaluationArtifact.safeParse(value, SOURCE);
  if (!parsed.success) {
    issues.push(...prefixed(path, parsed.error.issues));
    return;
  }
  if (parsed.data.split !== split) {
    issues.push({ path: `${path}.split`, message: `expected the ${split} split, got ${parsed.data.split}` });
  }
  if (contentId !== undefined && parsed.data.harnessContentId !== contentId) {
    issues.push({
      path: `${path}.harnessContentId`,
      message: `expected ${contentId}, got ${parsed.data.harnessContentId}`,
    });
  }
}

/**
 * Checks an evaluation the gate obtains late (the candidate's) before it is used.
 * @throws InputError naming the evaluation's path.
 */
export function assertCandidateEvaluation(
  name: 'candidateAdaptation' | 'candidateHeldout',
  value: unknown,
  contentId: string,
): Evaluation {
  const issues: InputIssue[] = [];
  checkEvaluation(name, value, name === 'candidateHeldout' ? 'heldout' : 'adaptation', contentId, issues);
  if (issues.length > 0) throw new InputError('gate input', SOURCE, issues);
  return value as Evaluation;
}

/**
 * Validates the parts of a gate input that every rule relies on and returns the parsed options.
 * The candidate itself is not re-parsed here: judging its form is the gate's second rule.
 * @throws InputError listing every problem with its path.
 */
export function validateGateInput(input: GateInput): GateOptions {
  const issues: InputIssue[] = [];
  const cycle = cycleIdSchema.safeParse(input.cycleId);
  if (!cycle.success) issues.push({ path: 'cycleId', message: cycle.error.issues[0]?.message ?? 'invalid' });
  else if (input.candidate.cycleId !== input.cycleId) {
    issues.push({
      path: 'candidate.cycleId',
      message: `expected ${input.cycleId}, got ${input.candidate.cycleId}`,
    });
  }
  if (!contentIdSchema.safeParse(input.currentContentId).success) {
    issues.push({ path: 'currentContentId', message: 'expected "sha256:" and 64 hex digits' });
  } else if (harnessContentId(input.parentSpec) !== input.currentContentId) {
    issues.push({
      path: 'parentSpec',
      message: `its content id is not the current version's ${input.currentContentId}`,
    });
  }
  const { evaluations } = input;
  checkEvaluation(
    'currentAdaptation',
    evaluations.currentAdaptation,
    'adaptation',
    input.currentContentId,
    issues,
  );
  checkEvaluation(
    'currentReplicate',
    evaluations.currentReplicate,
    'adaptation',
    input.currentContentId,
    issues,
  );
  checkEvaluation('currentHeldout', evaluations.currentHeldout, 'heldout', input.currentContentId, issues);
  if (evaluations.currentReplicate.seed === evaluations.currentAdaptation.seed) {
    issues.push({
      path: 'evaluations.currentReplicate.seed',
      message: 'a replicate must use other seeds than the evaluation it measures the noise of',
    });
  }
  if (input.bestAccepted !== undefined) {
    const best = bestAcceptedSchema.safeParse(input.bestAccepted);
    if (!best.success) {
      for (const issue of best.error.issues) {
        issues.push({ path: `bestAccepted.${formatIssuePath(issue.path)}`, message: issue.message });
      }
    }
  }
  const options = gateOptionsSchema.safeParse(input.options ?? {});
  if (!options.success) {
    for (const issue of options.error.issues) {
      issues.push({ path: `options.${formatIssuePath(issue.path)}`, message: issue.message });
    }
  }
  if (issues.length > 0 || !options.success) throw new InputError('gate input', SOURCE, issues);
  return options.data;
}
