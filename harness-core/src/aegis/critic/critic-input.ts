/**
 * What the critic judges a candidate on: the candidate and its parent spec, both adaptation
 * evaluations, and the leakage corpus. The held-out split is deliberately absent: an evaluation of
 * it is refused, so nothing the critic does can tune the candidate towards the held-out tasks.
 */
import { z } from 'zod';
import { InputError, type InputIssue } from '../../errors.ts';
import { harnessContentId } from '../../harness/canonical.ts';
import type { ProcessorDimension } from '../../harness/processor.ts';
import type { HarnessSpec } from '../../harness/spec.ts';
import { formatIssuePath } from '../../schema.ts';
import type { Candidate } from '../artifacts/candidate.ts';
import { type Evaluation, evaluationArtifact } from '../artifacts/evaluation.ts';

export const leakageCorpusSchema = z
  .object({
    /** Task ids of every split. */
    taskIds: z.array(z.string().min(1)).max(100_000),
    /** Expected answers: goal instructions and their distinctive target phrases, every split. */
    answers: z.array(z.string().min(1).max(10_000)).max(100_000),
  })
  .strict();

export type LeakageCorpus = z.output<typeof leakageCorpusSchema>;

export const criticOptionsSchema = z
  .object({
    /** Mean reward must rise by more than this for decoupling to be considered. */
    rewardEpsilon: z.number().min(0).max(1).default(0.02),
    /** Success must rise by more than this for a reward rise to count as earned. */
    successEpsilon: z.number().min(0).max(1).default(0.01),
    /** Answers shorter than this (after normalising) are too generic to count as leaked. */
    minAnswerLength: z.number().int().min(1).default(8),
    /** Share of the positive gain above which one task or one bucket "carries" it. */
    concentrationShare: z.number().gt(0).max(1).default(0.8),
    /** Processors whose removal relaxes a constraint. */
    safetyProcessors: z.array(z.string().min(1)).default(['dangerous-tool-approval', 'budget-guard']),
  })
  .strict();

export type CriticOptions = z.output<typeof criticOptionsSchema>;

export interface CriticInput {
  candidate: Candidate;
  /** The current version's spec: the candidate's parent. */
  parentSpec: HarnessSpec;
  /** The candidate on the adaptation split. */
  candidateEvaluation: Evaluation;
  /** The current version on the adaptation split. */
  currentEvaluation: Evaluation;
  leakageCorpus: LeakageCorpus;
  /** Dimension of each processor id; the built-ins' when omitted. */
  processorDimensions?: ReadonlyMap<string, ProcessorDimension>;
  options?: z.input<typeof criticOptionsSchema>;
}

const SOURCE = 'judgeCandidate';

function checkEvaluation(
  name: 'candidateEvaluation' | 'currentEvaluation',
  value: unknown,
  contentId: string,
  issues: InputIssue[],
): void {
  const parsed = evaluationArtifact.safeParse(value, SOURCE);
  if (!parsed.success) {
    issues.push(
      ...parsed.error.issues.map((issue) => ({ path: `${name}.${issue.path}`, message: issue.message })),
    );
    return;
  }
  if (parsed.data.split !== 'adaptation') {
    issues.push({
      path: `${name}.split`,
      message: 'the critic sees the adaptation split only, never held-out',
    });
  }
  if (parsed.data.harnessContentId !== contentId) {
    issues.push({
      path: `${name}.harnessContentId`,
      message: `expected ${contentId}, got ${parsed.data.harnessContentId}`,
    });
  }
}

/**
 * Validates a critic input and returns the parsed options.
 * @throws InputError listing every problem with its path.
 */
export function validateCriticInput(input: CriticInput): CriticOptions {
  const issues: InputIssue[] = [];
  const { candidate } = input;
  checkEvaluation('candidateEvaluation', input.candidateEvaluation, candidate.contentId, issues);
  checkEvaluation('currentEvaluation', input.currentEvaluation, candidate.parentContentId, issues);
  if (harnessContentId(input.parentSpec) !== candidate.parentContentId) {
    issues.push({
      path: 'parentSpec',
      message: `its content id is not the candidate's parent ${candidate.parentContentId}`,
    });
  }
  const corpus = leakageCorpusSchema.safeParse(input.leakageCorpus);
  if (!corpus.success) {
    for (const issue of corpus.error.issues) {
      issues.push({ path: `leakageCorpus.${formatIssuePath(issue.path)}`, message: issue.message });
    }
  }
  const options = criticOptionsSchema.safeParse(input.options ?? {});
  if (!options.success) {
    for (const issue of options.error.issues) {
      issues.push({ path: `options.${formatIssuePath(issue.path)}`, message: issue.message });
    }
  }
  if (issues.length > 0 || !options.success) throw new InputError('critic input', SOURCE, issues);
  return options.data;
}
